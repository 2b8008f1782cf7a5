from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from services.scheduling.domain.calendar_feed import feed_status, group_meeting_items, render_ics, summary_for

STAMP = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def event(**changes):
    return {"uid": "session-1@iop", "summary": "Group therapy", "starts_at": START,
            "ends_at": START + timedelta(hours=3), "status": "scheduled", **changes}


def parsed(*events, name="My sessions"):
    return Calendar.from_ical(render_ics(name, list(events), dtstamp=STAMP))


def only_event(**changes):
    (vevent,) = parsed(event(**changes)).walk("VEVENT")
    return vevent


def test_the_feed_is_a_version_2_calendar_with_a_product_id_and_a_name():
    calendar = parsed(event())
    assert (str(calendar["version"]), str(calendar["x-wr-calname"]), bool(calendar["prodid"])) == (
        "2.0", "My sessions", True)


def test_an_event_keeps_its_uid_and_summary():
    vevent = only_event()
    assert (str(vevent["uid"]), str(vevent["summary"])) == ("session-1@iop", "Group therapy")


def test_an_event_has_its_start_and_end_in_utc():
    vevent = only_event()
    assert (vevent.decoded("dtstart"), vevent.decoded("dtend")) == (START, START + timedelta(hours=3))


def test_times_are_written_with_the_utc_designator():
    assert b"DTSTART:20260309T140000Z" in render_ics("x", [event()], dtstamp=STAMP)


def test_times_given_in_another_offset_are_converted_to_utc():
    cdt = timezone(timedelta(hours=-5))
    vevent = only_event(starts_at=datetime(2026, 3, 9, 9, 0, tzinfo=cdt))
    assert vevent.decoded("dtstart") == START


def test_each_event_carries_the_dtstamp():
    assert only_event().decoded("dtstamp") == STAMP


def test_a_scheduled_session_is_confirmed():
    assert str(only_event()["status"]) == "CONFIRMED"


def test_a_cancelled_session_is_cancelled():
    assert str(only_event(status="cancelled")["status"]) == "CANCELLED"


def test_every_event_is_in_the_feed():
    events = [event(uid=f"s{n}", starts_at=START + timedelta(days=n), ends_at=START + timedelta(days=n, hours=1))
              for n in range(3)]
    assert [str(v["uid"]) for v in parsed(*events).walk("VEVENT")] == ["s0", "s1", "s2"]


def test_an_empty_feed_is_still_a_calendar():
    assert parsed().walk("VEVENT") == []


def test_a_summary_that_is_not_a_kind_label_is_refused():
    with pytest.raises(ValueError):
        render_ics("x", [event(summary="Group therapy - Jane Doe")], dtstamp=STAMP)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        render_ics("x", [event(status="maybe")], dtstamp=STAMP)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        render_ics("x", [event(starts_at=datetime(2026, 3, 9, 9, 0))], dtstamp=STAMP)


def test_kinds_have_generic_summaries():
    assert [summary_for(k) for k in ("group", "individual_therapy", "medication_check_in")] == [
        "Group therapy", "Individual therapy", "Medication check-in"]


@pytest.mark.parametrize("stored", ["scheduled", "present", "absent", "excused", "late", "booked", "attended",
                                    "no_show"])
def test_a_session_or_appointment_that_is_not_cancelled_is_scheduled_in_the_feed(stored):
    assert feed_status(stored) == "scheduled"


def test_a_cancelled_session_or_appointment_is_cancelled_in_the_feed():
    assert feed_status("cancelled") == "cancelled"


GROUP = {"_id": "g1", "weekdays": ["mon"], "start_time": "09:00", "duration_minutes": 60, "archived_at": None}


def test_a_groups_feed_reaches_four_weeks_back_and_thirteen_ahead():
    today = datetime(2026, 3, 11).date()  # a Wednesday
    items = group_meeting_items(GROUP, today, "America/Chicago")
    assert (len(items), items[0]["starts_at"].date(), items[-1]["starts_at"].date()) == (
        17, datetime(2026, 2, 16).date(), datetime(2026, 6, 8).date())


def test_an_archived_groups_feed_is_empty():
    assert group_meeting_items({**GROUP, "archived_at": STAMP}, STAMP.date(), "America/Chicago") == []
