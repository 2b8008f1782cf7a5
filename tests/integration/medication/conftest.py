"""Fixtures and helpers of medication's integration tests: the API client, the service context on
the same database, and intake's events delivered straight to medication's handlers."""
import uuid
from datetime import date
from functools import partial

import pytest

from services.medication.handlers import HANDLERS
from shared.events import load_event
from tests.conftest import CLINICIAN, api_client, deliver_to, published, service_context

SITE = "mpls"  # the site of tests.conftest.CLINICIAN
OTHER_SITE_ID = "stpaul"  # the site of tests.conftest.OTHER_SITE


@pytest.fixture
def medication(settings, sites):
    return api_client("medication", settings, sites)


@pytest.fixture
def medication_context(settings, sites):
    return service_context("medication", settings, sites)


def intake_event(event_type: str, payload: dict, site_id: str = SITE):
    """An event as the medication worker receives it: made and validated by the producer's rules,
    then loaded the way the consumer loads it."""
    return load_event(published(event_type, payload, site_id))


deliver = partial(deliver_to, HANDLERS)


def known_patient(context, site_id: str = SITE) -> str:
    """A patient whose registration medication has already heard of."""
    patient_id = str(uuid.uuid4())
    deliver(context, intake_event("intake.patient.registered", {"patient_id": patient_id}, site_id))
    return patient_id


def discharge_event(patient_id: str, discharge_date: date, outcome: str = "completed",
                    enrollment_id: str | None = None, site_id: str = SITE):
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return intake_event(event_type, {
        "enrollment_id": enrollment_id or str(uuid.uuid4()), "patient_id": patient_id, "program": "mh-adult",
        "start_date": date(2026, 1, 5), "discharge_date": discharge_date, "outcome": outcome, "step_down": None,
    }, site_id)


def order_body(patient_id: str, **changes) -> dict:
    return {"patient_id": patient_id, "medication": "Sertraline", "dose": "50 mg", "route": "oral",
            "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": "2026-01-05", **changes}


def prescribe(client, patient_id: str, headers=CLINICIAN, **changes) -> dict:
    answer = client.post("/v1/orders", json=order_body(patient_id, **changes), headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json
