"""An iCalendar (RFC 5545) feed of a patient's sessions and appointments, for calendar apps.

A feed leaves the system for phones and third-party calendars, so a summary is only ever
the generic label of a kind of session (``"Group therapy"``): never a name, a note or a
diagnosis. ``render_ics`` refuses any other summary rather than trusting every caller.
Times are written in UTC (``...Z``) so that no VTIMEZONE block is needed.
"""
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//IOP Operations//Scheduling//EN"

SUMMARY_BY_KIND = {
    "group": "Group therapy",
    "individual_therapy": "Individual therapy",
    "medication_check_in": "Medication check-in",
    "aftercare_follow_up": "Follow-up appointment",
}

# Session and appointment statuses as stored, mapped to the two a calendar app understands.
ICS_STATUS = {
    "scheduled": "CONFIRMED",
    "booked": "CONFIRMED",
    "confirmed": "CONFIRMED",
    "attended": "CONFIRMED",
    "completed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "canceled": "CANCELLED",
}


def summary_for(kind: str) -> str:
    """The feed summary of a session or appointment kind."""
    return SUMMARY_BY_KIND[kind]


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(UTC)


def render_ics(calendar_name: str, events, dtstamp: datetime | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per ``{uid, summary, starts_at, ends_at, status}`` dict.

    ``dtstamp`` (when the feed was made) defaults to now; tests pass it to get stable bytes.
    """
    stamp = _utc(dtstamp, "dtstamp") if dtstamp else datetime.now(UTC).replace(microsecond=0)
    allowed_summaries = set(SUMMARY_BY_KIND.values())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", calendar_name)
    for item in events:
        if item["summary"] not in allowed_summaries:
            raise ValueError(f"summary must be one of {sorted(allowed_summaries)}")
        status = ICS_STATUS.get(str(item["status"]).lower())
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
