"""Events as other services send them to aftercare, and readings many use-case tests share."""
from datetime import date, datetime, timezone

from services.aftercare.store import plan_id_for, plan_task_id
from services.aftercare.use_cases.plans import create_plan_on_discharge
from shared.cause import Cause
from shared.events import Event, load_event
from tests.conftest import make_envelope

# Noon at the demo sites (America/Chicago) on the day the tests were written: the pinned clock.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
DISCHARGE_DAY = date(2026, 10, 26)  # a Monday at a site open Monday to Friday
FOLLOW_UP_AT = datetime(2026, 10, 29, 15, 0, tzinfo=timezone.utc)  # the Thursday after, 10:00 at the site
STEP_DOWN = {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"}


class Crash(Exception):
    """The process dying between two writes (raised from a patched store method)."""


def arrival(event_type: str, payload: dict, occurred_at: datetime | None = None, site_id: str = "mpls") -> Event:
    """An event as the consumer hands it over: made by its producer's builder, then loaded."""
    return load_event(make_envelope(event_type, payload, site_id=site_id, occurred_at=occurred_at))


def cause_of(event: Event) -> Cause:
    return Cause.of_event(event, actor="aftercare")


def completion(enrollment_id: str = "enr-1", outcome: str = "completed", step_down: dict | None = STEP_DOWN,
               discharge_date: date = DISCHARGE_DAY) -> Event:
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return arrival(event_type, {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "discharge_date": discharge_date, "outcome": outcome, "step_down": step_down})


def booking(appointment_id: str = "appt-1", starts_at: datetime = FOLLOW_UP_AT, late: bool = False,
            occurred_at: datetime | None = None, kind: str = "aftercare_follow_up") -> Event:
    return arrival("scheduling.appointment.booked", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1", "kind": kind,
        "starts_at": starts_at, "late": late}, occurred_at=occurred_at)


def attendance(appointment_id: str = "appt-1", starts_at: datetime = FOLLOW_UP_AT, status: str = "attended") -> Event:
    return arrival("scheduling.appointment.attended", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1",
        "kind": "aftercare_follow_up", "status": status, "starts_at": starts_at})


def cancellation(appointment_id: str = "appt-1") -> Event:
    return arrival("scheduling.appointment.cancelled", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1", "kind": "aftercare_follow_up"})


def reconciliation(reconciliation_id: str = "rec-1", occurred_at: datetime | None = None) -> Event:
    return arrival("medication.reconciliation.completed", {
        "reconciliation_id": reconciliation_id, "enrollment_id": "enr-1", "patient_id": "pat-1",
        "medication_count": 3}, occurred_at=occurred_at)


def discharge(store, site, **fields) -> dict:
    """The plan a completion (or another discharge) makes, as the use case returns it."""
    ended = completion(**fields)
    return create_plan_on_discharge(store, cause_of(ended), site, ended)


def plan_task(store, kind: str, enrollment_id: str = "enr-1") -> dict | None:
    return store.tasks.find_one({"_id": plan_task_id(plan_id_for("mpls", enrollment_id), kind)})


def events(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes, oldest first, optionally of one type."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    envelopes.sort(key=lambda envelope: envelope["occurred_at"])
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]


def all_events(store, event_type: str) -> list[dict]:
    return [envelope for collection in ("plans", "tasks", "referrals") for envelope in events(store, collection, event_type)]
