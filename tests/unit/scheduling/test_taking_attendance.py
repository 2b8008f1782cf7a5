"""Taking attendance on a schedule document: the changes and the events it decides."""
from datetime import UTC, datetime

import pytest

from services.scheduling.domain.attendance import take_attendance
from shared.errors import Conflict, Invalid, NotFound

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


def schedule(count=4, cancelled=(), escalated=()):
    sessions = [{"id": f"s{i}", "kind": "group", "status": "cancelled" if i in cancelled else "scheduled",
                 "attendance": None, "attendance_history": []} for i in range(count)]
    return {"enrollment_id": "e1", "patient_id": "p1", "sessions": sessions, "escalated_streaks": list(escalated)}


def record(document, session_id, status, threshold=2):
    return take_attendance(document, session_id, status, "front-end", NOW, threshold)


def after(document, change):
    return {**document, **(change.changes or {})}


def event_types(change):
    return [event.event_type for event in change.events]


def test_recording_sets_the_status_and_keeps_who_and_when():
    change = record(schedule(), "s0", "present")
    assert change.session["attendance"] == {"status": "present", "recorded_at": NOW, "recorded_by": "front-end"}
    assert change.changes["sessions"][0]["status"] == "present"


def test_a_recording_emits_attendance_recorded_with_ids_and_the_status():
    [recorded] = record(schedule(), "s0", "present").events
    assert (recorded.event_type, recorded.payload) == ("scheduling.attendance.recorded", {
        "session_id": "s0", "enrollment_id": "e1", "patient_id": "p1", "status": "present"})


def test_the_same_status_again_is_no_change_and_no_event():
    first = schedule()
    first = after(first, record(first, "s0", "absent"))
    again = record(first, "s0", "absent")
    assert (again.changes, again.events) == (None, [])


def test_the_second_unexcused_absence_in_a_row_escalates_naming_the_streak():
    document = schedule()
    document = after(document, record(document, "s0", "absent"))
    second = record(document, "s1", "absent")
    escalated = second.events[1]
    assert event_types(second) == ["scheduling.attendance.recorded", "scheduling.absence.escalated"]
    assert (escalated.payload["consecutive_absences"], escalated.payload["last_session_id"]) == (2, "s1")
    assert second.changes["escalated_streaks"] == ["s0"]


def test_a_third_absence_in_an_escalated_streak_escalates_nothing_new():
    document = schedule()
    for session in ("s0", "s1"):
        document = after(document, record(document, session, "absent"))
    assert event_types(record(document, "s2", "absent")) == ["scheduling.attendance.recorded"]


def test_a_site_threshold_of_three_waits_for_the_third_absence():
    document = schedule()
    document = after(document, record(document, "s0", "absent", threshold=3))
    assert "escalated_streaks" not in record(document, "s1", "absent", threshold=3).changes


def test_a_cancelled_session_takes_no_attendance():
    with pytest.raises(Conflict):
        record(schedule(cancelled={0}), "s0", "present")


def test_an_unknown_session_is_not_found():
    with pytest.raises(NotFound):
        record(schedule(), "nope", "present")


def test_an_unknown_status_is_invalid():
    with pytest.raises(Invalid):
        record(schedule(), "s0", "asleep")
