"""Aftercare fixtures: its context on the test database, its API client, and events as other services send them."""
from datetime import date, datetime, timezone
from functools import partial

import pytest

from services.aftercare.handlers import HANDLERS
from shared.events import Event, load_event
from tests.conftest import api_client, deliver_to, published, service_context

SITE = "mpls"
DISCHARGE_DAY = date(2026, 10, 26)  # a Monday at a site open Monday to Friday


@pytest.fixture
def context(settings, sites):
    return service_context("aftercare", settings, sites)


@pytest.fixture
def aftercare(settings, sites):
    return api_client("aftercare", settings, sites)


def event(event_type: str, payload: dict, site_id: str = SITE, occurred_at: datetime | None = None) -> Event:
    """An event as the consumer hands it over: made by its producer's rules, then loaded."""
    return load_event(published(event_type, payload, site_id, occurred_at))


deliver = partial(deliver_to, HANDLERS)


def completion(enrollment_id: str = "00000000-0000-4000-8000-00000000e001", patient_id: str = "00000000-0000-4000-8000-00000000a001", discharge_date: date = DISCHARGE_DAY,
               step_down: dict | None = None, outcome: str = "completed", site_id: str = SITE) -> Event:
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return event(event_type, {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": "mh-adult",
        "start_date": date(2026, 9, 1), "discharge_date": discharge_date, "outcome": outcome,
        "step_down": step_down if step_down is not None else {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"},
    }, site_id=site_id)


def booking(appointment_id: str = "appt-1", starts_at: datetime = datetime(2026, 10, 29, 15, 0, tzinfo=timezone.utc),
            enrollment_id: str = "00000000-0000-4000-8000-00000000e001", late: bool = False, occurred_at: datetime | None = None,
            kind: str = "aftercare_follow_up") -> Event:
    return event("scheduling.appointment.booked", {
        "appointment_id": appointment_id, "patient_id": "00000000-0000-4000-8000-00000000a001", "enrollment_id": enrollment_id,
        "kind": kind, "starts_at": starts_at, "late": late}, occurred_at=occurred_at)


def attendance(appointment_id: str = "appt-1", starts_at: datetime = datetime(2026, 10, 29, 15, 0, tzinfo=timezone.utc),
               status: str = "attended", enrollment_id: str = "00000000-0000-4000-8000-00000000e001") -> Event:
    return event("scheduling.appointment.attended", {
        "appointment_id": appointment_id, "patient_id": "00000000-0000-4000-8000-00000000a001", "enrollment_id": enrollment_id,
        "kind": "aftercare_follow_up", "status": status, "starts_at": starts_at})


def reconciliation(reconciliation_id: str = "rec-1", enrollment_id: str = "00000000-0000-4000-8000-00000000e001",
                   occurred_at: datetime | None = None) -> Event:
    return event("medication.reconciliation.completed", {
        "reconciliation_id": reconciliation_id, "enrollment_id": enrollment_id, "patient_id": "00000000-0000-4000-8000-00000000a001",
        "medication_count": 3}, occurred_at=occurred_at)
