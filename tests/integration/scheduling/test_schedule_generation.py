"""Sessions generated from an admission, read over the API."""
from collections import Counter
from datetime import date, datetime, timedelta

from services.scheduling.store import SCHEDULES
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import (
    EIGHT_WEEKS_LATER,
    admission,
    create_group,
    deliver,
    length_change,
    sessions_of,
)


def test_an_eight_week_admission_to_a_three_day_group_gets_36_sessions(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    sessions = sessions_of(scheduling, admitted["payload"]["enrollment_id"])
    assert Counter(session["kind"] for session in sessions) == {"group": 24, "individual_therapy": 8,
                                                                 "medication_check_in": 4}


def test_group_sessions_fall_on_the_group_weekdays_at_its_local_time(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    groups = [s for s in sessions_of(scheduling, admitted["payload"]["enrollment_id"]) if s["kind"] == "group"]
    starts = [datetime.fromisoformat(session["starts_at"]) for session in groups]
    assert {start.strftime("%a %H:%M") for start in starts} == {"Mon 09:00", "Wed 09:00", "Fri 09:00"}


def test_instants_are_answered_with_the_sites_utc_offset(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    first = sessions_of(scheduling, admitted["payload"]["enrollment_id"])[0]
    assert (first["starts_at"], first["ends_at"]) == ("2026-12-07T09:00:00-06:00", "2026-12-07T12:00:00-06:00")


def test_every_session_has_the_pinned_fields_and_starts_scheduled(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    session = sessions_of(scheduling, admitted["payload"]["enrollment_id"])[0]
    assert {"id", "kind", "starts_at", "ends_at", "status"} <= set(session)
    assert session["status"] == "scheduled"


def test_a_three_hour_three_day_group_gives_no_intensity_warning(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    schedule = scheduling.get(f"/v1/enrollments/{admitted['payload']['enrollment_id']}/schedule", headers=CLINICIAN).json
    assert schedule["warnings"] == []
    assert {week["scheduled_hours"] for week in schedule["weekly_hours"]} == {round(9 + 50 / 60, 2), round(9 + 80 / 60, 2)}


def test_weeks_below_nine_hours_are_flagged_on_the_schedule(scheduling, context):
    admitted = admission(create_group(scheduling, weekdays=["mon", "wed"])["id"])
    deliver(context, admitted)
    schedule = scheduling.get(f"/v1/enrollments/{admitted['payload']['enrollment_id']}/schedule", headers=CLINICIAN).json
    assert len(schedule["warnings"]) == 8
    assert schedule["warnings"][0] == {"week_start": "2026-12-07", "scheduled_hours": 7.33, "minimum_hours": 9.0}


def test_admission_emits_schedule_created_with_the_session_count(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    [created] = pending_events(context, SCHEDULES, "scheduling.schedule.created")
    assert (created["payload"]["session_count"], created["payload"]["waitlisted"]) == (36, False)
    assert created["causation_id"] == admitted["event_id"]


def test_a_redelivered_admission_adds_no_session_and_no_event(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, admitted)
    assert len(sessions_of(scheduling, admitted["payload"]["enrollment_id"])) == 36
    assert len(pending_events(context, SCHEDULES, "scheduling.schedule.created")) == 1


def test_an_admission_without_a_group_gets_individual_and_medication_sessions_only(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    kinds = Counter(s["kind"] for s in sessions_of(scheduling, admitted["payload"]["enrollment_id"]))
    assert kinds == {"individual_therapy": 8, "medication_check_in": 4}


def test_an_extension_adds_the_sessions_of_the_added_weeks(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, length_change(admitted, EIGHT_WEEKS_LATER + timedelta(weeks=2)))
    assert len(sessions_of(scheduling, admitted["payload"]["enrollment_id"])) == 36 + 6 + 2 + 1


def test_a_shortened_program_drops_the_sessions_after_the_new_end(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, length_change(admitted, date(2026, 12, 20)))
    dates = {s["starts_at"][:10] for s in sessions_of(scheduling, admitted["payload"]["enrollment_id"])}
    assert max(dates) == "2026-12-18"
