from datetime import UTC, date, datetime, timedelta

from services.scheduling.domain.schedule import PlannedSession
from services.scheduling.domain.sessions import cancelled_after, merged, planned, session_id, session_record

START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
GROUP = PlannedSession("group", START, START + timedelta(hours=3), date(2026, 12, 7))
LATER = PlannedSession("group", START + timedelta(days=2), START + timedelta(days=2, hours=3), date(2026, 12, 9))


def test_the_same_session_of_the_same_enrollment_always_gets_the_same_id():
    assert session_id("e1", GROUP) == session_id("e1", GROUP)


def test_the_same_slot_of_two_enrollments_gets_two_ids():
    assert session_id("e1", GROUP) != session_id("e2", GROUP)


def test_a_session_record_reads_back_as_the_planned_one():
    assert planned(session_record("e1", GROUP)) == GROUP


def test_merging_adds_only_sessions_not_there_yet_in_time_order():
    existing = [{**session_record("e1", GROUP), "status": "present"}]
    result = merged(existing, [session_record("e1", LATER), session_record("e1", GROUP)])
    assert [(item["starts_at"], item["status"]) for item in result] == [
        (START, "present"), (LATER.starts_at, "scheduled")]


def test_only_scheduled_sessions_after_the_last_day_are_cancelled():
    records = [session_record("e1", GROUP), session_record("e1", LATER)]
    result, count = cancelled_after(records, date(2026, 12, 7))
    assert ([record["status"] for record in result], count) == (["scheduled", "cancelled"], 1)


def test_a_session_whose_attendance_was_taken_is_never_cancelled():
    records = [{**session_record("e1", LATER), "status": "absent"}]
    result, count = cancelled_after(records, date(2026, 12, 7))
    assert ([record["status"] for record in result], count) == (["absent"], 0)
