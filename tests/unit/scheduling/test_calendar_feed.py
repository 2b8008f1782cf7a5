from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from services.scheduling.domain.calendar_feed import (
    appointment_items,
    feed_status,
    group_feed,
    group_meeting_items,
    patient_feed,
    patient_title,
    render_ics,
    session_items,
)

STAMP = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
EDITED = datetime(2026, 2, 27, 10, 30, 15, 999, tzinfo=UTC)


def event(**changes):
    return {"uid": "session-1@iop", "summary": "Group session", "starts_at": START,
            "ends_at": START + timedelta(hours=3), "status": "scheduled", "sequence": 0, "last_modified": EDITED,
            **changes}


def parsed(*events, name="My sessions"):
    return Calendar.from_ical(render_ics(name, list(events), dtstamp=STAMP))


def only_event(**changes):
    (vevent,) = parsed(event(**changes)).walk("VEVENT")
    return vevent


def test_the_feed_is_a_version_2_calendar_with_a_product_id_and_a_name():
    calendar = parsed(event())
    assert (str(calendar["version"]), str(calendar["x-wr-calname"]), bool(calendar["prodid"])) == (
        "2.0", "My sessions", True)


def test_the_feed_asks_calendar_apps_to_refresh_it_every_hour():
    body = render_ics("x", [event()], dtstamp=STAMP)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in body


def test_an_event_keeps_its_uid_and_summary():
    vevent = only_event()
    assert (str(vevent["uid"]), str(vevent["summary"])) == ("session-1@iop", "Group session")


def test_an_event_carries_its_sequence_and_last_modified_instant_to_the_second():
    vevent = only_event(sequence=3)
    assert (vevent["sequence"], vevent.decoded("last-modified")) == (3, EDITED.replace(microsecond=0))


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


@pytest.mark.parametrize("title", ["Group session - Jane Doe", "Group therapy", "Medication check-in",
                                   "Adult substance use IOP"])
def test_a_patient_feed_refuses_any_title_but_its_two_generic_ones(title):
    with pytest.raises(ValueError):
        render_ics("x", [event(summary=title)], dtstamp=STAMP)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        render_ics("x", [event(status="maybe")], dtstamp=STAMP)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        render_ics("x", [event(starts_at=datetime(2026, 3, 9, 9, 0))], dtstamp=STAMP)


def test_a_patient_sees_group_sessions_as_group_sessions_and_everything_else_as_appointments():
    assert [patient_title(kind) for kind in ("group", "individual_therapy", "medication_check_in",
                                             "aftercare_follow_up", "intake_evaluation")] == [
        "Group session", "Appointment", "Appointment", "Appointment", "Appointment"]


@pytest.mark.parametrize("stored", ["scheduled", "present", "absent", "excused", "late", "booked", "attended",
                                    "no_show"])
def test_a_session_or_appointment_that_is_not_cancelled_is_scheduled_in_the_feed(stored):
    assert feed_status(stored) == "scheduled"


def test_a_cancelled_session_or_appointment_is_cancelled_in_the_feed():
    assert feed_status("cancelled") == "cancelled"


# --- revisions ------------------------------------------------------------------------------------

SCHEDULE = {"created_at": STAMP, "sessions": [
    {"id": "s1", "kind": "group", "starts_at": START, "ends_at": START + timedelta(hours=3), "status": "cancelled",
     "sequence": 2, "updated_at": EDITED},
    {"id": "s2", "kind": "individual_therapy", "starts_at": START, "ends_at": START + timedelta(hours=1),
     "status": "scheduled"},
]}


def test_a_sessions_revision_and_last_change_become_its_sequence_and_last_modified():
    changed, legacy = session_items([SCHEDULE])
    assert (changed["sequence"], changed["last_modified"]) == (2, EDITED)
    assert (legacy["sequence"], legacy["last_modified"]) == (0, STAMP)


def test_each_history_entry_after_its_booking_is_an_appointments_revision():
    appointment = {"_id": "a1", "kind": "aftercare_follow_up", "starts_at": START, "ends_at": START + timedelta(hours=1),
                   "status": "booked", "history": [{"at": STAMP, "action": "booked"},
                                                   {"at": EDITED, "action": "rescheduled"}]}
    [item] = appointment_items([appointment])
    assert (item["sequence"], item["last_modified"], item["summary"]) == (1, EDITED, "Appointment")


def test_a_patients_feed_is_named_appointments_and_titles_nothing_else():
    calendar = Calendar.from_ical(patient_feed([SCHEDULE], [], STAMP))
    assert str(calendar["x-wr-calname"]) == "Appointments"
    assert {str(vevent["summary"]) for vevent in calendar.walk("VEVENT")} == {"Group session", "Appointment"}


GROUP = {"_id": "g1", "name": "Morning DBT skills", "weekdays": ["mon"], "start_time": "09:00",
         "duration_minutes": 60, "archived_at": None, "sequence": 4, "updated_at": EDITED}


def test_a_groups_feed_reaches_four_weeks_back_and_thirteen_ahead():
    today = datetime(2026, 3, 11).date()  # a Wednesday
    items = group_meeting_items(GROUP, today, "America/Chicago")
    assert (len(items), items[0]["starts_at"].date(), items[-1]["starts_at"].date()) == (
        17, datetime(2026, 2, 16).date(), datetime(2026, 6, 8).date())


def test_a_groups_meetings_carry_its_name_and_its_definitions_revision():
    calendar = Calendar.from_ical(group_feed(GROUP, datetime(2026, 3, 11).date(), "America/Chicago", STAMP))
    vevents = calendar.walk("VEVENT")
    assert str(calendar["x-wr-calname"]) == "Morning DBT skills"
    assert {(str(vevent["summary"]), vevent["sequence"]) for vevent in vevents} == {("Morning DBT skills", 4)}


def test_an_archived_groups_feed_is_empty():
    assert group_meeting_items({**GROUP, "archived_at": STAMP}, STAMP.date(), "America/Chicago") == []
