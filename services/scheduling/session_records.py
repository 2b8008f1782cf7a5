"""How a planned session is stored inside its schedule document, and read back.

A session's id is derived from what makes it the same session (enrollment, kind, start
instant), so that regenerating a schedule, extending it twice or re-running a half-done
handler produces the same ids and never a duplicate.
"""
import uuid
from datetime import date

from services.scheduling.domain.schedule import PlannedSession
from shared.http.fields import stored

SESSION_ID_NAMESPACE = uuid.UUID("5b0c6a8e-3f7e-4d0c-9a59-2f4f3c1b7e21")

SCHEDULED = "scheduled"
CANCELLED = "cancelled"


def session_id(enrollment_id: str, session: PlannedSession) -> str:
    return str(uuid.uuid5(SESSION_ID_NAMESPACE, f"{enrollment_id}:{session.kind}:{session.starts_at.isoformat()}"))


def stored_session(enrollment_id: str, session: PlannedSession) -> dict:
    """``status`` is ``scheduled`` until attendance is taken, then the attendance status;
    ``cancelled`` once the enrollment ends before it."""
    return {
        "id": session_id(enrollment_id, session),
        "kind": session.kind,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "local_date": stored(session.local_date),
        "status": SCHEDULED,
        "attendance": None,
        "attendance_history": [],
    }


def planned(record: dict) -> PlannedSession:
    return PlannedSession(kind=record["kind"], starts_at=record["starts_at"], ends_at=record["ends_at"],
                          local_date=date.fromisoformat(record["local_date"]))


def is_cancelled(record: dict) -> bool:
    return record["status"] == CANCELLED


def merged(records: list[dict], additions: list[dict]) -> list[dict]:
    """``records`` plus the ``additions`` whose id is not there yet, in chronological order."""
    known = {record["id"] for record in records}
    fresh = [record for record in additions if record["id"] not in known]
    return sorted([*records, *fresh], key=lambda record: (record["starts_at"], record["kind"]))
