"""Steps and readings scheduling's use-case tests share: intake's event payloads as scheduling's
consumer loads them (dates as dates), causes, and the events left in the outboxes."""
import uuid
from datetime import date, datetime, timedelta, timezone

from services.scheduling.use_cases import groups
from shared.cause import Cause

# Noon at the demo sites (America/Chicago) on the day the tests were written: the pinned clock.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
MONDAY = date(2026, 12, 7)
EIGHT_WEEKS_LATER = MONDAY + timedelta(weeks=8, days=-1)  # the Sunday ending week 8
FRIDAY = date(2027, 1, 15)  # a discharge date inside the program

GROUP = {"name": "Morning skills", "program": "mh-adult", "modality": "group_therapy",
         "weekdays": ["mon", "wed", "fri"], "start_time": "09:00", "duration_minutes": 180, "capacity": 10}


def event_cause(site_id: str = "mpls") -> Cause:
    """The cause of a reaction to one of intake's events, as a handler builds it."""
    return Cause(site_id, str(uuid.uuid4()), causation_id=str(uuid.uuid4()), actor="scheduling")


def admission(group_id: str | None = None, start: date = MONDAY, end: date = EIGHT_WEEKS_LATER,
              program: str = "mh-adult") -> dict:
    return {"enrollment_id": str(uuid.uuid4()), "patient_id": str(uuid.uuid4()), "program": program,
            "start_date": start, "planned_weeks": 8, "planned_end_date": end, "group_id": group_id}


def discharge(admitted: dict, discharge_date: date = FRIDAY, outcome: str = "completed") -> dict:
    return {key: admitted[key] for key in ("enrollment_id", "patient_id", "program", "start_date")} | {
        "discharge_date": discharge_date, "outcome": outcome}


def length_change(admitted: dict, new_end: date) -> dict:
    return {"enrollment_id": admitted["enrollment_id"], "patient_id": admitted["patient_id"], "planned_weeks": 10,
            "planned_end_date": new_end, "previous_planned_end_date": admitted["planned_end_date"]}


def create_group(store, cause, site, **changes) -> dict:
    return groups.create_group(store, cause, site, {**GROUP, **changes})


def events(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes, oldest first, optionally of one type."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    envelopes.sort(key=lambda envelope: envelope["occurred_at"])
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]


def statuses(sessions: list[dict]) -> set[str]:
    return {record["status"] for record in sessions}
