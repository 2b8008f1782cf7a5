"""Attendance: the statuses a session can be marked with, attended hours, and absence escalation.

Escalation rule (DOMAIN.md): ``threshold`` consecutive unexcused absences (2 unless the site
configures otherwise) escalate to case management, once per streak:

- ``absent`` counts towards the streak;
- ``present`` and ``late`` end it (a late patient came);
- ``excused`` neither counts nor ends it: an excused absence between two unexcused ones
  still leaves the patient out of contact for all three sessions.

A streak is named by the session that opened it (its first unexcused absence). The caller
stores the names of streaks already escalated, atomically with the escalation event, and
passes them back: recording another absence in the same streak, recording an ``excused`` in
it, or handling the same attendance message twice then escalates nothing new.

:func:`take_attendance` applies one recording to a schedule document and decides its events
(``scheduling.attendance.recorded``, and ``scheduling.absence.escalated`` when a streak is due);
the caller writes the changes and the events in one single-document write.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.scheduling.domain.groups import EVENT_MODALITIES
from services.scheduling.domain.schedule import GROUP, PlannedSession, week_start, weekly_hours
from services.scheduling.domain.sessions import booked, is_cancelled, planned, revised
from shared.errors import Conflict, Invalid, NotFound
from shared.events.registry import DomainEvent
from shared.events.scheduling import absence_escalated, attendance_recorded

ATTENDANCE_STATUSES = ("present", "absent", "excused", "late")
ATTENDED = frozenset({"present", "late"})
ABSENT = "absent"


@dataclass(frozen=True)
class AttendanceRecord:
    session: PlannedSession
    status: str


@dataclass(frozen=True)
class Streak:
    """The current run of unexcused absences: the session that opened it and how many it holds."""

    opened_by: str
    absences: int


def check_status(status: str) -> str:
    """``status`` itself when it is known; raise ``Invalid`` keyed ``status`` otherwise."""
    if status not in ATTENDANCE_STATUSES:
        raise Invalid({"status": [f"Must be one of {', '.join(ATTENDANCE_STATUSES)}."]})
    return status


def attended_hours_by_week(records) -> dict[date, float]:
    """Hours attended per local ISO week (key: the Monday), rounded to 0.01 h.

    A late arrival counts the whole session: how late is not recorded.
    """
    minutes: dict[date, int] = {}
    for record in records:
        if record.status in ATTENDED:
            monday = week_start(record.session.local_date)
            minutes[monday] = minutes.get(monday, 0) + record.session.minutes
    return {monday: round(total / 60, 2) for monday, total in sorted(minutes.items())}


def current_streak(history) -> Streak | None:
    """The streak at the end of ``history`` (chronological ``(session_id, status)`` pairs), if any."""
    opened_by, absences = None, 0
    for session_id, status in reversed(history):
        if status in ATTENDED:
            break
        if status == ABSENT:
            opened_by, absences = session_id, absences + 1
    return Streak(opened_by, absences) if absences else None


def escalation_due(history, threshold: int, already_escalated=frozenset()) -> str | None:
    """The id of the session that opened a streak now due for escalation, or ``None``.

    ``history`` holds one enrollment's recorded sessions as chronological
    ``(session_id, status)`` pairs; ``already_escalated`` the streak ids returned before.
    """
    if threshold < 1:
        raise ValueError("the escalation threshold is at least 1")
    streak = current_streak(history)
    if streak is None or streak.absences < threshold or streak.opened_by in already_escalated:
        return None
    return streak.opened_by


# --- taking attendance on a schedule document ------------------------------------------------

@dataclass(frozen=True)
class AttendanceChange:
    session: dict  # the session as it is after the recording
    changes: dict | None  # the schedule's changed fields; None when the same status was recorded again
    events: list[DomainEvent]


def recorded_history(sessions: list[dict]) -> list[tuple[str, str]]:
    """Chronological ``(session_id, status)`` of the sessions whose attendance was taken."""
    return [(record["id"], record["status"]) for record in sessions if record.get("attendance") is not None]


def session_facts(schedule: dict, record: dict, group_modality: str | None) -> dict:
    """What scheduling.attendance.recorded tells about the session (issue 11): its kind and start,
    and for a group meeting its group and the group's modality (``EVENT_MODALITIES``), which
    together name one meeting. None for both on an individual session or check-in."""
    is_group = record["kind"] == GROUP
    return {"session_kind": record["kind"], "starts_at": record["starts_at"],
            "group_id": schedule.get("group_id") if is_group else None,
            "group_modality": EVENT_MODALITIES.get(group_modality) if is_group else None}


def take_attendance(schedule: dict, session_id: str, status: str, recorded_by: str, now: datetime,
                    threshold: int, group_modality: str | None = None) -> AttendanceChange:
    """Record (or correct) ``status`` on one session of ``schedule``; NotFound for a session not in
    it, Conflict for a cancelled one. Recording the status the session already has changes nothing.
    ``group_modality``: the modality of the schedule's group, told with a group session's attendance."""
    check_status(status)
    record = next((record for record in schedule["sessions"] if record["id"] == session_id), None)
    if record is None:
        raise NotFound(f"No session {session_id} in this enrollment.")
    if is_cancelled(record):
        raise Conflict("The session was cancelled; attendance cannot be taken.")
    if record["status"] == status:
        return AttendanceChange(record, None, [])
    entry = {"status": status, "recorded_at": now, "recorded_by": recorded_by}
    updated = revised(record, now, status=status, attendance=entry,
                      attendance_history=[*(record.get("attendance_history") or []), entry])
    sessions = [updated if item["id"] == session_id else item for item in schedule["sessions"]]
    ids = {"enrollment_id": schedule["enrollment_id"], "patient_id": schedule["patient_id"]}
    changes = {"sessions": sessions}
    events = [attendance_recorded(session_id=session_id, status=status, **ids,
                                  **session_facts(schedule, record, group_modality))]
    history = recorded_history(sessions)
    escalated = list(schedule.get("escalated_streaks") or [])
    if escalation_due(history, threshold, frozenset(escalated)) is not None:
        streak = current_streak(history)
        last_absence = next(sid for sid, recorded in reversed(history) if recorded == ABSENT)
        changes["escalated_streaks"] = [*escalated, streak.opened_by]
        events.append(absence_escalated(consecutive_absences=streak.absences, last_session_id=last_absence, **ids))
    return AttendanceChange(updated, changes, events)


def _is_over(monday: date, today: date) -> bool:
    return monday + timedelta(days=6) < today


def attendance_summary(schedule: dict, minimum_weekly_hours: float, today: date) -> dict:
    """Attended against scheduled hours per week; a week is judged below the minimum only once it is over."""
    scheduled = weekly_hours(booked(schedule["sessions"]))
    attended = attended_hours_by_week(AttendanceRecord(planned(record), record["status"])
                                      for record in schedule["sessions"] if record.get("attendance") is not None)
    weeks = [{
        "week_start": monday,
        "scheduled_hours": hours,
        "attended_hours": attended.get(monday, 0.0),
        "below_minimum": attended.get(monday, 0.0) < minimum_weekly_hours if _is_over(monday, today) else None,
    } for monday, hours in scheduled.items()]
    streak = current_streak(recorded_history(schedule["sessions"]))
    return {
        "enrollment_id": schedule["enrollment_id"],
        "minimum_weekly_hours": minimum_weekly_hours,
        "attended_hours_total": round(sum(attended.values()), 2),
        "unexcused_absences_in_a_row": streak.absences if streak else 0,
        "weeks": weeks,
    }
