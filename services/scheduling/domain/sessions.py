"""A session as it is kept inside its enrollment's schedule document: its id, its status, and how
a list of them grows or is cut at a discharge.

A session's id is derived (uuid5) from what makes it the same session (enrollment, kind, start
instant), so that regenerating a schedule, extending it twice or re-running a half-done handler
produces the same ids and never a duplicate. It is computed here, not in the store, because the
rules that merge and drop sessions compare those ids.

Every change of a session (attendance taken or corrected, cancelled, reinstated) counts one more
``sequence`` and stamps ``updated_at``: calendar feeds publish them as SEQUENCE and LAST-MODIFIED,
so that a subscribed calendar replaces its copy of the event (RFC 5545).
"""
import uuid
from datetime import date, datetime

from services.scheduling.domain.schedule import PlannedSession

SESSION_ID_NAMESPACE = uuid.UUID("5b0c6a8e-3f7e-4d0c-9a59-2f4f3c1b7e21")

# A session is scheduled until attendance is taken (then it holds the attendance status), and
# cancelled once the enrollment ends before it.
SCHEDULED = "scheduled"
CANCELLED = "cancelled"


def session_id(enrollment_id: str, session: PlannedSession) -> str:
    return str(uuid.uuid5(SESSION_ID_NAMESPACE, f"{enrollment_id}:{session.kind}:{session.starts_at.isoformat()}"))


def session_record(enrollment_id: str, session: PlannedSession, now: datetime) -> dict:
    """A planned session as kept in the schedule document, not yet attended."""
    return {
        "id": session_id(enrollment_id, session),
        "kind": session.kind,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "local_date": session.local_date,
        "status": SCHEDULED,
        "attendance": None,
        "attendance_history": [],
        "sequence": 0,
        "updated_at": now,
    }


def revised(record: dict, now: datetime, **changes) -> dict:
    """The session with ``changes``, one more revision (``sequence``) made at ``now``."""
    return {**record, **changes, "sequence": record.get("sequence", 0) + 1, "updated_at": now}


def planned(record: dict) -> PlannedSession:
    return PlannedSession(kind=record["kind"], starts_at=record["starts_at"], ends_at=record["ends_at"],
                          local_date=record["local_date"])


def is_cancelled(record: dict) -> bool:
    return record["status"] == CANCELLED


def booked(records: list[dict]) -> list[PlannedSession]:
    """The sessions that still count: every one but the cancelled."""
    return [planned(record) for record in records if not is_cancelled(record)]


def merged(records: list[dict], additions: list[dict]) -> list[dict]:
    """``records`` plus the ``additions`` whose id is not there yet, in chronological order."""
    known = {record["id"] for record in records}
    fresh = [record for record in additions if record["id"] not in known]
    return sorted([*records, *fresh], key=lambda record: (record["starts_at"], record["kind"]))


def cancelled_after(records: list[dict], last_day: date, now: datetime) -> tuple[list[dict], int]:
    """The records with every still-scheduled session after ``last_day`` (site date) cancelled,
    and how many were cancelled. Sessions whose attendance was taken are history and stay."""
    result, count = [], 0
    for record in records:
        if record["status"] == SCHEDULED and record["local_date"] > last_day:
            record, count = revised(record, now, status=CANCELLED), count + 1
        result.append(record)
    return result, count
