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
"""
from dataclasses import dataclass
from datetime import date

from services.scheduling.domain.schedule import PlannedSession, week_start
from shared.errors import Invalid

ATTENDANCE_STATUSES = ("present", "absent", "excused", "late")
ATTENDED = frozenset({"present", "late"})

DEFAULT_ESCALATION_THRESHOLD = 2


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


def unexcused_streak(statuses) -> int:
    """How many unexcused absences end the chronological list ``statuses``."""
    count = 0
    for status in reversed(statuses):
        if status in ATTENDED:
            break
        if status == "absent":
            count += 1
    return count


def current_streak(history) -> Streak | None:
    """The streak at the end of ``history`` (chronological ``(session_id, status)`` pairs), if any."""
    opened_by, absences = None, 0
    for session_id, status in reversed(history):
        if status in ATTENDED:
            break
        if status == "absent":
            opened_by, absences = session_id, absences + 1
    return Streak(opened_by, absences) if absences else None


def escalation_due(
    history, threshold: int = DEFAULT_ESCALATION_THRESHOLD, already_escalated=frozenset()
) -> str | None:
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
