"""The intensity sweep over every site, on the in-memory store: each enrollment-week below the minimum once."""
from datetime import date, timedelta

from services.scheduling.bootstrap import sweeps
from services.scheduling.store import SCHEDULES
from services.scheduling.use_cases import attendance, schedules
from services.scheduling.use_cases.intensity import sweep_intensity
from tests.unit.scheduling.support import MONDAY, admission, create_group, event_cause, events

SECOND_MONDAY = MONDAY + timedelta(weeks=1)
THE_TUESDAY_AFTER = SECOND_MONDAY + timedelta(days=8)


def admitted_with_attendance(store, cause, site, statuses, program="mh-adult", reaction=None) -> dict:
    """Admitted to a Monday-Wednesday-Friday group; the second week's meetings recorded with ``statuses``."""
    admitted = admission(create_group(store, cause, site)["_id"], program=program)
    schedules.schedule_admission(store, reaction or event_cause(), site, admitted)
    meetings = schedules.list_sessions(store, site, admitted["enrollment_id"], {"kind": "group"})
    for meeting, status in zip([m for m in meetings if m["local_date"] >= SECOND_MONDAY], statuses):
        attendance.record_session_attendance(store, cause, site, admitted["enrollment_id"], meeting["id"], status)
    return admitted


def raised(store) -> list[dict]:
    return [event["payload"] for event in events(store, SCHEDULES, "scheduling.intensity.below_minimum")]


def test_a_week_attended_below_the_minimum_is_raised_once_however_often_the_sweep_runs(store, cause, site, context):
    admitted = admitted_with_attendance(store, cause, site, ["present", "present", "absent"])
    counts = [sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER) for _ in range(2)]
    assert counts == [1, 0]
    assert raised(store) == [{"enrollment_id": admitted["enrollment_id"], "patient_id": admitted["patient_id"],
                              "program": "mh-adult", "week_start": "2026-12-14", "attended_minutes": 360,
                              "minimum_minutes": 540}]


def test_the_raised_week_is_kept_on_the_schedule(store, cause, site, context):
    admitted = admitted_with_attendance(store, cause, site, ["absent"])
    sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER)
    assert schedules.get_schedule(store, site, admitted["enrollment_id"])["intensity_below_minimum_weeks"] == [
        SECOND_MONDAY]


def test_a_week_attended_in_full_raises_nothing(store, cause, site, context):
    admitted_with_attendance(store, cause, site, ["present", "present", "present"])
    assert sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER) == 0


def test_the_adolescent_programs_minimum_is_six_hours(store, cause, site, context):
    admitted_with_attendance(store, cause, site, ["present", "present", "absent"], program="adolescent")
    assert sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER) == 0


def test_weeks_not_over_yet_are_left_for_a_later_sweep(store, cause, site, context):
    admitted_with_attendance(store, cause, site, ["absent"])
    assert sweep_intensity(store, context.sites, "scheduling", SECOND_MONDAY + timedelta(days=6)) == 0
    assert sweep_intensity(store, context.sites, "scheduling", SECOND_MONDAY + timedelta(days=7)) == 1


def test_a_raised_week_follows_the_admissions_correlation(store, cause, site, context):
    reaction = event_cause()
    admitted_with_attendance(store, cause, site, ["absent"], reaction=reaction)
    sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER)
    [event] = events(store, SCHEDULES, "scheduling.intensity.below_minimum")
    assert (event["correlation_id"], event["site_id"], event["causation_id"]) == (reaction.correlation_id, "mpls", None)


def test_each_site_is_swept_in_its_own_schedules(store, cause, site, other_site, context):
    admitted_with_attendance(store, cause, site, ["absent"])
    other = admission(None)
    schedules.schedule_admission(store, event_cause("stpaul"), other_site, other)
    sweep_intensity(store, context.sites, "scheduling", THE_TUESDAY_AFTER)
    assert {event["site_id"] for event in events(store, SCHEDULES, "scheduling.intensity.below_minimum")} == {
        "mpls", "stpaul"}


def test_schedules_that_ended_long_ago_are_not_read(store, cause, site, context):
    admitted_with_attendance(store, cause, site, ["absent"])
    assert sweep_intensity(store, context.sites, "scheduling", date(2027, 6, 1)) == 0


def test_the_worker_runs_the_intensity_sweep(context):
    assert [sweep.name for sweep in sweeps(context)] == ["intensity sweep"]
