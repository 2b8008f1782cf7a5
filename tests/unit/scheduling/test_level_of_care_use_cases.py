"""A change of level of care re-plans an enrollment's future sessions, on the in-memory store."""
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from services.scheduling.store import SCHEDULES
from services.scheduling.use_cases import attendance, schedules
from services.scheduling.use_cases.schedules import ScheduleNotReady
from shared import clock
from shared.programs import DEFAULT_PROGRAMS, Program, parse_catalog
from tests.unit.scheduling.support import (
    EIGHT_WEEKS_LATER,
    MONDAY,
    admission,
    create_group,
    discharge,
    event_cause,
    events,
)

THIRD_MONDAY = MONDAY + timedelta(weeks=2)  # 2026-12-21


def admit(store, site, group_id=None) -> dict:
    admitted = admission(group_id)
    schedules.schedule_admission(store, event_cause(), site, admitted)
    return admitted


def level_change(admitted: dict, program: str = "op-adult", effective: date = THIRD_MONDAY,
                 end: date = EIGHT_WEEKS_LATER, previous: str = "mh-adult") -> dict:
    return {"enrollment_id": admitted["enrollment_id"], "patient_id": admitted["patient_id"], "program": program,
            "previous_program": previous, "level_of_care": "1", "previous_level_of_care": "2.1",
            "effective_date": effective, "planned_end_date": end}


def change(store, site, payload, reaction=None) -> None:
    schedules.change_level_of_care(store, reaction or event_cause(), site, payload)


def by_kind(store, site, admitted, kind) -> dict[date, str]:
    return {record["local_date"]: record["status"]
            for record in schedules.list_sessions(store, site, admitted["enrollment_id"], {"kind": kind})}


def test_the_old_programs_check_ins_that_no_longer_fit_are_cancelled_and_the_others_kept(store, site):
    admitted = admit(store, site)
    change(store, site, level_change(admitted))  # op-adult: a check-in every four weeks from the effective date
    assert by_kind(store, site, admitted, "medication_check_in") == {
        date(2026, 12, 10): "scheduled", date(2026, 12, 24): "scheduled", date(2027, 1, 7): "cancelled",
        date(2027, 1, 21): "scheduled"}


def test_a_program_with_more_individual_sessions_adds_them_from_the_effective_date(store, site):
    twice = Program("dbt-adult", "DBT IOP", "2.1", "adult", False, planned_weeks=8, weekly_minimum_hours=9,
                    cadence={"individual_per_week": 2, "medication_check_in_every_weeks": 2})
    site = replace(site, programs=parse_catalog([program.as_dict() for program in (*DEFAULT_PROGRAMS, twice)]))
    admitted = admit(store, site)
    change(store, site, level_change(admitted, program="dbt-adult"))
    fridays = [day for day in by_kind(store, site, admitted, "individual_therapy") if day.weekday() == 4]
    assert (fridays[0], len(fridays)) == (date(2026, 12, 25), 6)


def test_the_schedule_follows_the_new_program_and_remembers_the_change(store, site):
    admitted = admit(store, site)
    change(store, site, level_change(admitted))
    schedule = schedules.get_schedule(store, site, admitted["enrollment_id"])
    assert schedule["program"] == "op-adult"
    assert [(entry["previous_program"], entry["program"], entry["effective_date"])
            for entry in schedule["program_changes"]] == [("mh-adult", "op-adult", THIRD_MONDAY)]


def test_a_re_plan_emits_schedule_created_from_the_effective_date(store, site):
    admitted, reaction = admit(store, site), event_cause()
    change(store, site, level_change(admitted), reaction)
    replanned = events(store, SCHEDULES, "scheduling.schedule.created")[-1]
    assert {key: replanned["payload"][key] for key in ("program", "replanned_from", "cancelled_count")} == {
        "program": "op-adult", "replanned_from": "2026-12-21", "cancelled_count": 1}
    assert replanned["causation_id"] == reaction.causation_id


def test_a_redelivered_change_changes_nothing(store, site):
    admitted, reaction = admit(store, site), event_cause()
    change(store, site, level_change(admitted), reaction)
    once = store.schedules.raw.find_one({"_id": admitted["enrollment_id"]})["version"]
    change(store, site, level_change(admitted), reaction)
    assert store.schedules.raw.find_one({"_id": admitted["enrollment_id"]})["version"] == once
    assert len(events(store, SCHEDULES, "scheduling.schedule.created")) == 2  # the admission's and the re-plan's


def test_an_earlier_change_delivered_after_a_later_one_does_not_undo_it(store, site):
    admitted = admit(store, site)
    change(store, site, level_change(admitted, program="php-adult", effective=THIRD_MONDAY + timedelta(weeks=2),
                                     previous="op-adult"))
    change(store, site, level_change(admitted, program="op-adult"))
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["program"] == "php-adult"


def test_changing_back_reinstates_a_cancelled_session_as_a_later_revision(store, site):
    admitted = admit(store, site)
    change(store, site, level_change(admitted))
    change(store, site, level_change(admitted, program="mh-adult", previous="op-adult",
                                     effective=THIRD_MONDAY + timedelta(days=1)))
    [reinstated] = schedules.list_sessions(store, site, admitted["enrollment_id"], {"local_date": date(2027, 1, 7)})
    assert (reinstated["status"], reinstated["sequence"]) == ("scheduled", 2)


def test_the_groups_meetings_stay_and_follow_a_new_planned_end(store, cause, site):
    admitted = admit(store, site, create_group(store, cause, site)["_id"])
    change(store, site, level_change(admitted, end=EIGHT_WEEKS_LATER + timedelta(weeks=1)))
    meetings = by_kind(store, site, admitted, "group")
    assert (len(meetings), set(meetings.values())) == (27, {"scheduled"})


def test_an_earlier_planned_end_cancels_every_session_after_it(store, cause, site):
    admitted = admit(store, site, create_group(store, cause, site)["_id"])
    change(store, site, level_change(admitted, end=THIRD_MONDAY + timedelta(days=6)))
    after_the_end = [record["status"] for record in schedules.list_sessions(store, site, admitted["enrollment_id"], {})
                     if record["local_date"] > THIRD_MONDAY + timedelta(days=6)]
    assert after_the_end and set(after_the_end) == {"cancelled"}


def test_sessions_whose_attendance_was_taken_are_history_and_stay(store, cause, site):
    admitted = admit(store, site)
    check_in = schedules.list_sessions(store, site, admitted["enrollment_id"], {"local_date": date(2027, 1, 7)})[0]
    attendance.record_session_attendance(store, cause, site, admitted["enrollment_id"], check_in["id"], "present")
    change(store, site, level_change(admitted))
    assert by_kind(store, site, admitted, "medication_check_in")[date(2027, 1, 7)] == "present"


def test_an_effective_date_in_the_past_leaves_the_past_sessions_as_they_were(store, site):
    admitted = admit(store, site)
    with clock.pinned(datetime(2026, 12, 30, 18, 0, tzinfo=timezone.utc)):
        change(store, site, level_change(admitted))
    assert by_kind(store, site, admitted, "medication_check_in")[date(2026, 12, 24)] == "scheduled"
    assert by_kind(store, site, admitted, "medication_check_in")[date(2027, 1, 7)] == "cancelled"


def test_a_change_after_the_discharge_changes_nothing(store, site):
    admitted = admit(store, site)
    schedules.end_schedule(store, event_cause(), site, discharge(admitted, outcome="other"))
    change(store, site, level_change(admitted))
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["program"] == "mh-adult"


def test_a_change_before_its_admission_is_retried_later(store, site):
    with pytest.raises(ScheduleNotReady):
        change(store, site, level_change(admission()))
