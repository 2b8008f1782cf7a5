from datetime import UTC, date, datetime, timedelta

from services.scheduling.domain.schedule import PlannedSession
from services.scheduling.domain.sessions import cancelled_after, merged, planned, revised, session_id, session_record

START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
GROUP = PlannedSession("group", START, START + timedelta(hours=3), date(2026, 12, 7))
LATER = PlannedSession("group", START + timedelta(days=2), START + timedelta(days=2, hours=3), date(2026, 12, 9))


def test_the_same_session_of_the_same_enrollment_always_gets_the_same_id():
    assert session_id("e1", GROUP) == session_id("e1", GROUP)


def test_the_same_slot_of_two_enrollments_gets_two_ids():
    assert session_id("e1", GROUP) != session_id("e2", GROUP)


def test_a_session_record_reads_back_as_the_planned_one():
    assert planned(session_record("e1", GROUP, NOW)) == GROUP


def test_merging_adds_only_sessions_not_there_yet_in_time_order():
    existing = [{**session_record("e1", GROUP, NOW), "status": "present"}]
    result = merged(existing, [session_record("e1", LATER, NOW), session_record("e1", GROUP, NOW)])
    assert [(item["starts_at"], item["status"]) for item in result] == [
        (START, "present"), (LATER.starts_at, "scheduled")]


def test_only_scheduled_sessions_after_the_last_day_are_cancelled():
    records = [session_record("e1", GROUP, NOW), session_record("e1", LATER, NOW)]
    result, count = cancelled_after(records, date(2026, 12, 7), NOW)
    assert ([record["status"] for record in result], count) == (["scheduled", "cancelled"], 1)


def test_a_session_whose_attendance_was_taken_is_never_cancelled():
    records = [{**session_record("e1", LATER, NOW), "status": "absent"}]
    result, count = cancelled_after(records, date(2026, 12, 7), NOW)
    assert ([record["status"] for record in result], count) == (["absent"], 0)


def test_a_new_session_is_revision_zero_made_now():
    record = session_record("e1", GROUP, NOW)
    assert (record["sequence"], record["updated_at"]) == (0, NOW)


def test_a_cancellation_is_one_more_revision_stamped_when_it_happened():
    later = NOW + timedelta(days=3)
    result, _ = cancelled_after([session_record("e1", LATER, NOW)], date(2026, 12, 7), later)
    assert (result[0]["sequence"], result[0]["updated_at"]) == (1, later)


def test_each_revision_counts_one_more_even_on_a_session_stored_before_revisions_were_counted():
    legacy = {key: value for key, value in session_record("e1", GROUP, NOW).items()
              if key not in ("sequence", "updated_at")}
    assert revised(revised(legacy, NOW, status="present"), NOW, status="absent")["sequence"] == 2
