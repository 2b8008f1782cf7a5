"""Taking attendance on a schedule document: the changes and the events it decides."""
from datetime import UTC, datetime, timedelta

import pytest

from services.scheduling.domain.attendance import take_attendance
from shared.errors import Conflict, Invalid, NotFound

NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
FIRST_MEETING = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def schedule(count=4, cancelled=(), escalated=(), kind="group"):
    sessions = [{"id": f"s{i}", "kind": kind, "status": "cancelled" if i in cancelled else "scheduled",
                 "starts_at": FIRST_MEETING + timedelta(days=2 * i), "attendance": None, "attendance_history": []}
                for i in range(count)]
    return {"enrollment_id": "e1", "patient_id": "p1", "group_id": "g1", "sessions": sessions,
            "escalated_streaks": list(escalated)}


def record(document, session_id, status, threshold=2, group_modality="group_therapy"):
    return take_attendance(document, session_id, status, "front-end", NOW, threshold, group_modality=group_modality)


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
    assert recorded.event_type == "scheduling.attendance.recorded"
    assert {key: recorded.payload[key] for key in ("session_id", "enrollment_id", "patient_id", "status")} == {
        "session_id": "s0", "enrollment_id": "e1", "patient_id": "p1", "status": "present"}


def test_a_group_sessions_attendance_names_the_meeting_its_group_and_the_groups_modality():
    [recorded] = record(schedule(), "s1", "present", group_modality="holistic").events
    assert {key: recorded.payload[key] for key in ("session_kind", "group_id", "group_modality", "starts_at")} == {
        "session_kind": "group", "group_id": "g1", "group_modality": "holistic",
        "starts_at": "2026-12-09T15:00:00+00:00"}


@pytest.mark.parametrize("kind", ["individual_therapy", "medication_check_in"])
def test_an_individual_sessions_attendance_names_its_kind_and_start_and_no_group(kind):
    [recorded] = record(schedule(kind=kind), "s0", "excused").events
    assert (recorded.payload["session_kind"], recorded.payload["starts_at"], recorded.payload["group_id"],
            recorded.payload["group_modality"]) == (kind, "2026-12-07T15:00:00+00:00", None, None)


def test_each_recording_is_one_more_revision_of_the_session():
    document = schedule()
    document = after(document, record(document, "s0", "absent"))
    corrected = record(document, "s0", "present")
    assert (corrected.session["sequence"], corrected.session["updated_at"]) == (2, NOW)


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
