from datetime import UTC, datetime

import pytest

from services.scheduling.attendance_records import take_attendance
from shared.errors import Conflict, Invalid, NotFound

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


def sessions(count=4, cancelled=()):
    return [{"id": f"s{i}", "kind": "group", "status": "cancelled" if i in cancelled else "scheduled",
             "attendance": None, "attendance_history": []} for i in range(count)]


def record(records, session_id, status, escalated=(), threshold=2):
    return take_attendance(records, escalated, session_id, status, "front-end", NOW, threshold)


def test_recording_sets_the_status_and_keeps_who_and_when():
    change = record(sessions(), "s0", "present")
    assert change.session["attendance"] == {"status": "present", "recorded_at": NOW, "recorded_by": "front-end"}
    assert change.sessions[0]["status"] == "present"


def test_the_same_status_again_is_no_change():
    first = record(sessions(), "s0", "absent")
    assert record(first.sessions, "s0", "absent").changed is False


def test_the_second_unexcused_absence_in_a_row_is_due_for_escalation():
    first = record(sessions(), "s0", "absent")
    second = record(first.sessions, "s1", "absent")
    assert (second.escalation.opened_by, second.escalation.absences, second.last_absence_id) == ("s0", 2, "s1")


def test_a_streak_already_escalated_is_not_due_again():
    first = record(sessions(), "s0", "absent")
    second = record(first.sessions, "s1", "absent")
    third = record(second.sessions, "s2", "absent", escalated=["s0"])
    assert third.escalation is None


def test_a_site_threshold_of_three_waits_for_the_third_absence():
    first = record(sessions(), "s0", "absent", threshold=3)
    assert record(first.sessions, "s1", "absent", threshold=3).escalation is None


def test_a_cancelled_session_takes_no_attendance():
    with pytest.raises(Conflict):
        record(sessions(cancelled={0}), "s0", "present")


def test_an_unknown_session_is_not_found():
    with pytest.raises(NotFound):
        record(sessions(), "nope", "present")


def test_an_unknown_status_is_invalid():
    with pytest.raises(Invalid):
        record(sessions(), "s0", "asleep")
