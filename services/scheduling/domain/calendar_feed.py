"""An iCalendar (RFC 5545) feed of a patient's sessions and appointments, for calendar apps.

A feed leaves the system for phones and third-party calendars, so a summary is only ever
the generic label of a kind of session (``"Group therapy"``): never a name, a note or a
diagnosis. ``render_ics`` refuses any other summary rather than trusting every caller.
Times are written in UTC (``...Z``) so that no VTIMEZONE block is needed.
"""
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vText

from services.scheduling.domain.groups import group_slot, is_archived
from services.scheduling.domain.schedule import GROUP, generate_sessions

PRODID = "-//IOP Operations//Scheduling//EN"
UID_DOMAIN = "iop-scheduling"

# How far a group's feed reaches around today: recent meetings and the coming quarter.
GROUP_FEED_PAST = timedelta(days=28)
GROUP_FEED_AHEAD = timedelta(days=91)

SUMMARY_BY_KIND = {
    "group": "Group therapy",
    "individual_therapy": "Individual therapy",
    "medication_check_in": "Medication check-in",
    "aftercare_follow_up": "Follow-up appointment",
}

# The two states a calendar app understands. A session that took place (an attendance status)
# or an appointment booked or attended is, as far as a calendar goes, as planned.
SCHEDULED, CANCELLED = "scheduled", "cancelled"
ICS_STATUS = {SCHEDULED: "CONFIRMED", CANCELLED: "CANCELLED"}


def summary_for(kind: str) -> str:
    """The feed summary of a session or appointment kind."""
    return SUMMARY_BY_KIND[kind]


def feed_status(stored_status: str) -> str:
    """A session's or an appointment's stored status as a feed status (``cancelled`` is the same word in both)."""
    return CANCELLED if stored_status == CANCELLED else SCHEDULED


def session_items(schedules: list[dict]) -> list[dict]:
    """Feed items of every session of the schedules, cancelled ones included."""
    return [{"uid": f"{record['id']}@{UID_DOMAIN}", "summary": summary_for(record["kind"]),
             "starts_at": record["starts_at"], "ends_at": record["ends_at"], "status": feed_status(record["status"])}
            for schedule in schedules for record in schedule["sessions"]]


def appointment_items(appointments: list[dict]) -> list[dict]:
    return [{"uid": f"{appointment['_id']}@{UID_DOMAIN}", "summary": summary_for(appointment["kind"]),
             "starts_at": appointment["starts_at"], "ends_at": appointment["ends_at"],
             "status": feed_status(appointment["status"])} for appointment in appointments]


def group_meeting_items(group: dict, today: date, timezone: str) -> list[dict]:
    """A group's meetings from four weeks before ``today`` to thirteen weeks after (none once archived)."""
    if is_archived(group):
        return []
    meetings = generate_sessions(today - GROUP_FEED_PAST, today + GROUP_FEED_AHEAD, timezone, group_slot(group),
                                 None, None)
    return [{"uid": f"{group['_id']}-{meeting.starts_at:%Y%m%dT%H%M%SZ}@{UID_DOMAIN}", "summary": summary_for(GROUP),
             "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "status": SCHEDULED} for meeting in meetings]


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(UTC)


def render_ics(calendar_name: str, events, dtstamp: datetime) -> bytes:
    """A VCALENDAR with one VEVENT per ``{uid, summary, starts_at, ends_at, status}`` dict;
    ``dtstamp`` is when the feed was made."""
    stamp = _utc(dtstamp, "dtstamp").replace(microsecond=0)
    allowed_summaries = set(SUMMARY_BY_KIND.values())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # An X- property is written as given unless typed: as TEXT, a line break or a comma in a
    # group's name is escaped instead of breaking the content line.
    calendar.add("x-wr-calname", vText(calendar_name))
    for item in events:
        if item["summary"] not in allowed_summaries:
            raise ValueError(f"summary must be one of {sorted(allowed_summaries)}")
        status = ICS_STATUS.get(item["status"])
        if status is None:
            raise ValueError(f"unknown status {item['status']!r}")
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item["starts_at"], "starts_at"))
        event.add("dtend", _utc(item["ends_at"], "ends_at"))
        event.add("summary", item["summary"])
        event.add("status", status)
        calendar.add_component(event)
    return calendar.to_ical()
