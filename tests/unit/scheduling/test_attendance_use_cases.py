"""Taking attendance at sessions and summing it up, on the in-memory store."""
import pytest

from services.scheduling.store import SCHEDULES
from services.scheduling.use_cases import attendance, schedules
from shared.errors import Conflict, NotFound
from tests.unit.scheduling.support import admission, discharge, event_cause, events


@pytest.fixture
def admitted(store, site):
    admitted = admission()
    schedules.schedule_admission(store, event_cause(), site, admitted)
    return admitted


def session_ids(store, site, admitted) -> list[str]:
    return [record["id"] for record in schedules.list_sessions(store, site, admitted["enrollment_id"], {})]


def take(store, cause, site, admitted, session_id, status) -> dict:
    return attendance.record_session_attendance(store, cause, site, admitted["enrollment_id"], session_id, status)


def test_recording_attendance_answers_the_session_with_who_recorded_it(store, cause, site, admitted):
    session = take(store, cause, site, admitted, session_ids(store, site, admitted)[0], "present")
    assert (session["status"], session["attendance"]["recorded_by"]) == ("present", "clinician-key")
    assert session["attendance"]["recorded_at"].tzinfo is not None


def test_recording_attendance_emits_attendance_recorded_in_the_requests_correlation(store, cause, site, admitted):
    take(store, cause, site, admitted, session_ids(store, site, admitted)[0], "late")
    [recorded] = events(store, SCHEDULES, "scheduling.attendance.recorded")
    assert (recorded["payload"]["status"], recorded["correlation_id"]) == ("late", cause.correlation_id)


def test_recording_the_same_status_again_emits_nothing_more(store, cause, site, admitted):
    first = session_ids(store, site, admitted)[0]
    take(store, cause, site, admitted, first, "absent")
    take(store, cause, site, admitted, first, "absent")
    assert len(events(store, SCHEDULES, "scheduling.attendance.recorded")) == 1


def test_two_unexcused_absences_in_a_row_escalate_once_per_streak(store, cause, site, admitted):
    first, second, third = session_ids(store, site, admitted)[:3]
    for session_id in (first, second, third):
        take(store, cause, site, admitted, session_id, "absent")
    [escalated] = events(store, SCHEDULES, "scheduling.absence.escalated")
    assert (escalated["payload"]["consecutive_absences"], escalated["payload"]["last_session_id"]) == (2, second)


def test_a_correction_to_present_then_a_new_streak_escalates_again(store, cause, site, admitted):
    ids = session_ids(store, site, admitted)
    for session_id, status in zip(ids[:5], ["absent", "absent", "present", "absent", "absent"]):
        take(store, cause, site, admitted, session_id, status)
    assert len(events(store, SCHEDULES, "scheduling.absence.escalated")) == 2


def test_a_cancelled_session_takes_no_attendance(store, cause, site, admitted):
    schedules.end_schedule(store, event_cause(), site, discharge(admitted, admitted["start_date"], outcome="other"))
    with pytest.raises(Conflict):
        take(store, cause, site, admitted, session_ids(store, site, admitted)[-1], "present")


def test_attendance_for_an_enrollment_of_another_site_is_not_found(store, cause, other_site, admitted, site):
    with pytest.raises(NotFound):
        take(store, cause, other_site, admitted, session_ids(store, site, admitted)[0], "present")


def test_the_summary_counts_attended_hours_and_the_current_streak(store, cause, site, admitted):
    first, second = session_ids(store, site, admitted)[:2]
    take(store, cause, site, admitted, first, "present")
    take(store, cause, site, admitted, second, "absent")
    summary = attendance.summarize_attendance(store, site, admitted["enrollment_id"])
    assert (summary["attended_hours_total"], summary["unexcused_absences_in_a_row"]) == (0.83, 1)
    assert summary["weeks"][0]["below_minimum"] is None  # the week is not over at the pinned today
