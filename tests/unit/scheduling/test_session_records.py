from datetime import UTC, date, datetime, timedelta

from services.scheduling.domain.schedule import PlannedSession
from services.scheduling.session_records import merged, planned, session_id, stored_session

START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
GROUP = PlannedSession("group", START, START + timedelta(hours=3), date(2026, 12, 7))


def test_the_same_session_of_the_same_enrollment_always_gets_the_same_id():
    assert session_id("e1", GROUP) == session_id("e1", GROUP)


def test_the_same_slot_of_two_enrollments_gets_two_ids():
    assert session_id("e1", GROUP) != session_id("e2", GROUP)


def test_a_stored_session_reads_back_as_the_planned_one():
    assert planned(stored_session("e1", GROUP)) == GROUP


def test_merging_adds_only_sessions_not_there_yet_in_time_order():
    later = PlannedSession("group", START + timedelta(days=2), START + timedelta(days=2, hours=3), date(2026, 12, 9))
    existing = [{**stored_session("e1", GROUP), "status": "present"}]
    result = merged(existing, [stored_session("e1", later), stored_session("e1", GROUP)])
    assert [(item["starts_at"], item["status"]) for item in result] == [(START, "present"), (later.starts_at, "scheduled")]
