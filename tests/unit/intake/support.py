"""Steps and readings many of intake's use-case tests share."""
from datetime import date, datetime, timezone

from services.intake.use_cases import enrollments, patients
from tests.in_memory import SITES

# Noon at the demo sites (America/Chicago) on the day the tests were written: the pinned clock.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)

ALEX = {"mrn": "MRN-1", "given_name": "Alex", "family_name": "Rivera", "birth_date": date(1990, 4, 12)}
START = date(2026, 11, 2)  # a Monday, 24 days before the pinned today (2026-11-26)


def events(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes, oldest first, optionally of one type."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    envelopes.sort(key=lambda envelope: envelope["occurred_at"])
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]


def register(store, cause, **fields) -> dict:
    return patients.register(store, cause, {**ALEX, **fields})


def admit(store, cause, patient_id: str, **fields) -> dict:
    return enrollments.admit(store, cause, SITES.get(cause.site_id),
                             {"patient_id": patient_id, "program": "mh-adult", "start_date": START, **fields})
