"""Taking attendance on a session of a schedule document, corrections included.

Pure: given the schedule's sessions and the streaks already escalated, it returns the new
session list and the streak to escalate now, if any; the API writes both, with their events,
in one single-document write (so an escalation is emitted once per streak, however the
recordings interleave).
"""
from dataclasses import dataclass
from datetime import datetime

from services.scheduling.domain.attendance import Streak, check_status, current_streak, escalation_due
from services.scheduling.session_records import is_cancelled
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class AttendanceChange:
    sessions: list[dict]
    session: dict  # the session as it is after the change
    changed: bool  # False when the same status was recorded again
    escalation: Streak | None  # the streak to escalate now
    last_absence_id: str | None  # the latest unexcused absence of that streak


def recorded_history(sessions: list[dict]) -> list[tuple[str, str]]:
    """Chronological ``(session_id, status)`` of the sessions whose attendance was taken."""
    return [(record["id"], record["status"]) for record in sessions if record.get("attendance") is not None]


def take_attendance(sessions: list[dict], escalated_streaks, session_id: str, status: str, recorded_by: str,
                    now: datetime, threshold: int) -> AttendanceChange:
    check_status(status)
    record = next((record for record in sessions if record["id"] == session_id), None)
    if record is None:
        raise NotFound(f"No session {session_id} in this enrollment.")
    if is_cancelled(record):
        raise Conflict("The session was cancelled; attendance cannot be taken.")
    if record["status"] == status:
        return AttendanceChange(sessions, record, False, None, None)
    entry = {"status": status, "recorded_at": now, "recorded_by": recorded_by}
    updated = {**record, "status": status, "attendance": entry,
               "attendance_history": [*(record.get("attendance_history") or []), entry]}
    new_sessions = [updated if item["id"] == session_id else item for item in sessions]
    history = recorded_history(new_sessions)
    due = escalation_due(history, threshold, frozenset(escalated_streaks))
    if due is None:
        return AttendanceChange(new_sessions, updated, True, None, None)
    last_absence = next(sid for sid, recorded in reversed(history) if recorded == "absent")
    return AttendanceChange(new_sessions, updated, True, current_streak(history), last_absence)
