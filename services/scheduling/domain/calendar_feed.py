"""iCalendar (RFC 5545) feeds for calendar apps: a patient's sessions and appointments, a group's meetings.

A patient's feed ends up on a phone, whose lock screen shows an event's title to whoever holds
it. So a patient's feed titles every event with one of two words, ``"Group session"`` or
``"Appointment"``: never a name (the patient's, a group's, a clinician's), a program, a diagnosis
or the kind of care (no "medication", no "therapy"); the calendar is named ``"Appointments"``.
``render_ics`` refuses any other title rather than trusting every caller. A group's feed is for
the staff who run the group: its name names the calendar and titles each meeting.

Every event carries what a subscribed calendar needs to replace its copy when the event changes:
``SEQUENCE`` (a session's revisions, an appointment's history entries after the booking, a group
definition's edits) and ``LAST-MODIFIED``. Every feed tells clients to refresh it hourly
(``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL``). Times are written in UTC (``...Z``) so that no
VTIMEZONE block is needed.
"""
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vDuration, vText

from services.scheduling.domain.groups import group_slot, is_archived
from services.scheduling.domain.schedule import GROUP, generate_sessions

PRODID = "-//IOP Operations//Scheduling//EN"
UID_DOMAIN = "iop-scheduling"
REFRESH_INTERVAL = timedelta(hours=1)

# How far a group's feed reaches around today: recent meetings and the coming quarter.
GROUP_FEED_PAST = timedelta(days=28)
GROUP_FEED_AHEAD = timedelta(days=91)

# What a patient's feed may show on a lock screen.
PATIENT_FEED_NAME = "Appointments"
GROUP_SESSION_TITLE, APPOINTMENT_TITLE = "Group session", "Appointment"
PATIENT_TITLES = frozenset({GROUP_SESSION_TITLE, APPOINTMENT_TITLE})

# The two states a calendar app understands. A session that took place (an attendance status)
# or an appointment booked or attended is, as far as a calendar goes, as planned.
SCHEDULED, CANCELLED = "scheduled", "cancelled"
ICS_STATUS = {SCHEDULED: "CONFIRMED", CANCELLED: "CANCELLED"}


def patient_title(kind: str) -> str:
    """The title of a session or appointment of this kind in a patient's feed."""
    return GROUP_SESSION_TITLE if kind == GROUP else APPOINTMENT_TITLE


def feed_status(stored_status: str) -> str:
    """A session's or an appointment's stored status as a feed status (``cancelled`` is the same word in both)."""
    return CANCELLED if stored_status == CANCELLED else SCHEDULED


def session_items(schedules: list[dict]) -> list[dict]:
    """Feed items of every session of the schedules, cancelled ones included."""
    return [{"uid": f"{record['id']}@{UID_DOMAIN}", "summary": patient_title(record["kind"]),
             "starts_at": record["starts_at"], "ends_at": record["ends_at"], "status": feed_status(record["status"]),
             "sequence": record.get("sequence", 0), "last_modified": record.get("updated_at") or schedule["created_at"]}
            for schedule in schedules for record in schedule["sessions"]]


def appointment_items(appointments: list[dict]) -> list[dict]:
    """Feed items of appointments: each entry of an appointment's history after its booking is a revision."""
    return [{"uid": f"{appointment['_id']}@{UID_DOMAIN}", "summary": patient_title(appointment["kind"]),
             "starts_at": appointment["starts_at"], "ends_at": appointment["ends_at"],
             "status": feed_status(appointment["status"]), "sequence": len(appointment["history"]) - 1,
             "last_modified": appointment["history"][-1]["at"]} for appointment in appointments]


def patient_items(schedules: list[dict], appointments: list[dict]) -> list[dict]:
    """A patient's sessions and appointments in time order."""
    return sorted(session_items(schedules) + appointment_items(appointments), key=lambda item: item["starts_at"])


def group_meeting_items(group: dict, today: date, timezone: str) -> list[dict]:
    """A group's meetings from four weeks before ``today`` to thirteen weeks after (none once
    archived), titled with the group's name."""
    if is_archived(group):
        return []
    meetings = generate_sessions(today - GROUP_FEED_PAST, today + GROUP_FEED_AHEAD, timezone, group_slot(group),
                                 None, None)
    return [{"uid": f"{group['_id']}-{meeting.starts_at:%Y%m%dT%H%M%SZ}@{UID_DOMAIN}", "summary": group["name"],
             "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "status": SCHEDULED,
             "sequence": group.get("sequence", 0), "last_modified": group["updated_at"]} for meeting in meetings]


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(UTC)


def _vevent(item: dict, stamp: datetime) -> Event:
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
    event.add("sequence", item["sequence"])
    event.add("last-modified", _utc(item["last_modified"], "last_modified").replace(microsecond=0))
    return event


def render_ics(calendar_name: str, items, dtstamp: datetime, allowed_summaries=PATIENT_TITLES) -> bytes:
    """A VCALENDAR with one VEVENT per ``{uid, summary, starts_at, ends_at, status, sequence,
    last_modified}`` item; ``dtstamp`` is when the feed was made. A summary outside
    ``allowed_summaries`` (by default a patient feed's two titles) is refused."""
    stamp = _utc(dtstamp, "dtstamp").replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # An X- property is written as given unless typed: as TEXT, a line break or a comma in a
    # group's name is escaped instead of breaking the content line.
    calendar.add("x-wr-calname", vText(calendar_name))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for item in items:
        if item["summary"] not in allowed_summaries:
            raise ValueError(f"summary must be one of {sorted(allowed_summaries)}")
        calendar.add_component(_vevent(item, stamp))
    return calendar.to_ical()


def patient_feed(schedules: list[dict], appointments: list[dict], dtstamp: datetime) -> bytes:
    """A patient's feed: lock-screen-safe titles and calendar name."""
    return render_ics(PATIENT_FEED_NAME, patient_items(schedules, appointments), dtstamp)


def group_feed(group: dict, today: date, timezone: str, dtstamp: datetime) -> bytes:
    """A group's feed, named and titled with the group's name."""
    return render_ics(group["name"], group_meeting_items(group, today, timezone), dtstamp,
                      allowed_summaries={group["name"]})
