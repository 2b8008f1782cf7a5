"""An enrollment's schedule driven by intake's events, on the in-memory store."""
from collections import Counter
from datetime import date, timedelta

import pytest

from services.scheduling.store import GROUPS, SCHEDULES
from services.scheduling.use_cases import groups, schedules
from services.scheduling.use_cases.schedules import ScheduleNotReady
from shared.errors import NotFound
from tests.unit.scheduling.support import (
    EIGHT_WEEKS_LATER,
    FRIDAY,
    admission,
    create_group,
    discharge,
    event_cause,
    events,
    length_change,
    statuses,
)


def admit(store, site, group_id=None, **fields) -> dict:
    admitted = admission(group_id, **fields)
    schedules.schedule_admission(store, event_cause(), site, admitted)
    return admitted


def sessions_of(store, site, admitted, **filters) -> list[dict]:
    return schedules.list_sessions(store, site, admitted["enrollment_id"], filters)


def kinds(sessions) -> Counter:
    return Counter(record["kind"] for record in sessions if record["status"] == "scheduled")


# --- admission ----------------------------------------------------------------------------------

def test_an_admission_to_a_group_generates_eight_weeks_of_group_individual_and_check_in_sessions(store, site, cause):
    group = create_group(store, cause, site)
    admitted = admit(store, site, group["_id"])
    assert kinds(sessions_of(store, site, admitted)) == {"group": 24, "individual_therapy": 8,
                                                         "medication_check_in": 4}


def test_sessions_read_back_with_instants_and_dates(store, site):
    first = sessions_of(store, site, admit(store, site))[0]
    assert (first["starts_at"].isoformat(), first["local_date"]) == ("2026-12-08T19:00:00+00:00", date(2026, 12, 8))


def test_an_admission_emits_schedule_created_caused_by_the_admission(store, site, cause):
    group = create_group(store, cause, site)
    admitted, reaction = admission(group["_id"]), event_cause()
    schedules.schedule_admission(store, reaction, site, admitted)
    [created] = events(store, SCHEDULES, "scheduling.schedule.created")
    assert (created["payload"]["session_count"], created["payload"]["waitlisted"]) == (36, False)
    assert (created["causation_id"], created["correlation_id"]) == (reaction.causation_id, reaction.correlation_id)


def test_a_redelivered_admission_changes_nothing_and_takes_no_second_seat(store, site, cause):
    group = create_group(store, cause, site, capacity=1)
    admitted, reaction = admission(group["_id"]), event_cause()
    schedules.schedule_admission(store, reaction, site, admitted)
    schedules.schedule_admission(store, reaction, site, admitted)
    seated = groups.find_group(store, site, group["_id"])
    assert (len(seated["members"]), len(seated["waiting_list"])) == (1, 0)
    assert len(events(store, SCHEDULES, "scheduling.schedule.created")) == 1


def test_a_patient_admitted_to_a_full_group_waits_without_group_sessions(store, site, cause):
    group = create_group(store, cause, site, capacity=1)
    admit(store, site, group["_id"])
    waiting = admit(store, site, group["_id"])
    assert schedules.get_schedule(store, site, waiting["enrollment_id"])["group_placement"] == "waitlisted"
    assert "group" not in kinds(sessions_of(store, site, waiting))


def test_an_admission_to_an_unknown_group_is_scheduled_without_it(store, site):
    admitted = admit(store, site, "no-such-group")
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["group_placement"] == "group_unavailable"


def test_another_sites_schedule_is_not_found(store, site, other_site):
    admitted = admit(store, site)
    with pytest.raises(NotFound):
        schedules.get_schedule(store, other_site, admitted["enrollment_id"])


# --- planned length -------------------------------------------------------------------------------

def test_two_more_weeks_add_their_sessions(store, site, cause):
    group = create_group(store, cause, site)
    admitted = admit(store, site, group["_id"])
    schedules.change_schedule_length(store, event_cause(), site,
                                     length_change(admitted, EIGHT_WEEKS_LATER + timedelta(weeks=2)))
    assert kinds(sessions_of(store, site, admitted)) == {"group": 30, "individual_therapy": 10,
                                                         "medication_check_in": 5}


def test_a_redelivered_length_change_changes_nothing(store, site, cause):
    admitted = admit(store, site, create_group(store, cause, site)["_id"])
    change = length_change(admitted, EIGHT_WEEKS_LATER + timedelta(weeks=2))
    schedules.change_schedule_length(store, event_cause(), site, change)
    once = store.schedules.find_one({"_id": admitted["enrollment_id"]})
    schedules.change_schedule_length(store, event_cause(), site, change)
    assert store.schedules.find_one({"_id": admitted["enrollment_id"]})["version"] == once["version"]


def test_a_shorter_program_drops_the_sessions_after_its_new_end(store, site):
    admitted = admit(store, site)
    schedules.change_schedule_length(store, event_cause(), site, length_change(admitted, date(2026, 12, 20)))
    assert max(record["local_date"] for record in sessions_of(store, site, admitted)) <= date(2026, 12, 20)


def test_a_length_change_before_its_admission_is_retried_later(store, site):
    with pytest.raises(ScheduleNotReady):
        schedules.change_schedule_length(store, event_cause(), site, length_change(admission(), EIGHT_WEEKS_LATER))


# --- discharge ------------------------------------------------------------------------------------

def test_a_discharge_cancels_every_session_after_the_discharge_date_and_keeps_the_others(store, site):
    admitted = admit(store, site)
    schedules.end_schedule(store, event_cause(), site, discharge(admitted, outcome="administrative"))
    sessions = sessions_of(store, site, admitted)
    assert statuses(record for record in sessions if record["local_date"] > FRIDAY) == {"cancelled"}
    assert statuses(record for record in sessions if record["local_date"] <= FRIDAY) == {"scheduled"}


def test_a_discharge_emits_sessions_cancelled_once_with_the_outcome(store, site):
    admitted = admit(store, site)
    leaving, reaction = discharge(admitted, outcome="against_advice"), event_cause()
    schedules.end_schedule(store, reaction, site, leaving)
    schedules.end_schedule(store, reaction, site, leaving)
    [cancelled] = events(store, SCHEDULES, "scheduling.sessions.cancelled")
    # After Friday 15 January: individual therapy on the 19th and 26th, the check-in on the 21st.
    assert (cancelled["payload"]["cancelled_count"], cancelled["payload"]["reason"]) == (3, "against_advice")


def test_a_discharge_seats_the_longest_waiting_patient_with_group_sessions(store, site, cause):
    group = create_group(store, cause, site, capacity=1)
    seated, first_waiting, second_waiting = (admit(store, site, group["_id"]) for _ in range(3))
    schedules.end_schedule(store, event_cause(), site, discharge(seated, date(2026, 12, 15), outcome="other"))
    roster = groups.group_roster(store, site, group["_id"])
    assert [entry["enrollment_id"] for entry in roster["enrolled"]] == [first_waiting["enrollment_id"]]
    assert [entry["enrollment_id"] for entry in roster["waiting_list"]] == [second_waiting["enrollment_id"]]
    assert kinds(sessions_of(store, site, first_waiting))["group"] == 24


def test_a_redelivered_discharge_seats_only_one_waiting_patient(store, site, cause):
    group = create_group(store, cause, site, capacity=1)
    seated, waiting, _ = (admit(store, site, group["_id"]) for _ in range(3))
    leaving, reaction = discharge(seated, date(2026, 12, 15), outcome="other"), event_cause()
    schedules.end_schedule(store, reaction, site, leaving)
    schedules.end_schedule(store, reaction, site, leaving)
    members = store.db[GROUPS].find_one({"_id": group["_id"]})["members"]
    assert [entry["enrollment_id"] for entry in members] == [waiting["enrollment_id"]]


def test_a_discharge_that_overtakes_its_admission_leaves_no_sessions_behind(store, site):
    admitted = admission()
    schedules.end_schedule(store, event_cause(), site, discharge(admitted, outcome="other"))
    schedules.schedule_admission(store, event_cause(), site, admitted)
    assert sessions_of(store, site, admitted) == []
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["status"] == "ended"


def test_a_completion_ends_the_schedule_and_books_the_follow_up(store, site):
    admitted = admit(store, site)
    schedules.complete_enrollment(store, event_cause(), site, discharge(admitted))
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["status"] == "ended"
    assert store.appointments.count({"enrollment_id": admitted["enrollment_id"]}) == 1
