"""Fixtures for scheduling: its API client, its context, and intake's events delivered to its handlers."""
import uuid
from datetime import date, timedelta
from functools import partial

import pytest

from services.scheduling.handlers import HANDLERS
from tests.conftest import CLINICIAN, api_client, deliver_to, published, service_context

# The integration tier runs at a pinned today (tests/integration/conftest.py, 2026-11-26): these
# sessions lie in the future on any day the suite runs.
MONDAY = date(2026, 12, 7)
EIGHT_WEEKS_LATER = MONDAY + timedelta(weeks=8, days=-1)  # the Sunday ending week 8


@pytest.fixture
def scheduling(settings, sites):
    return api_client("scheduling", settings, sites)


@pytest.fixture
def context(settings, sites):
    return service_context("scheduling", settings, sites)


def intake_event(event_type: str, payload: dict, site_id: str = "mpls") -> dict:
    """An envelope as intake would publish it (tests read its payload back, so it stays unloaded)."""
    return published(event_type, payload, site_id)


deliver = partial(deliver_to, HANDLERS)


def admission(group_id=None, start=MONDAY, end=EIGHT_WEEKS_LATER, program="mh-adult", site_id="mpls") -> dict:
    payload = {"enrollment_id": str(uuid.uuid4()), "patient_id": str(uuid.uuid4()), "program": program,
               "start_date": start, "planned_weeks": 8, "planned_end_date": end, "group_id": group_id}
    return intake_event("intake.enrollment.admitted", payload, site_id)


def discharge(admitted: dict, discharge_date: date, outcome="completed") -> dict:
    payload = admitted["payload"]
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return intake_event(event_type, {
        "enrollment_id": payload["enrollment_id"], "patient_id": payload["patient_id"], "program": payload["program"],
        "start_date": date.fromisoformat(payload["start_date"]), "discharge_date": discharge_date, "outcome": outcome,
    }, admitted["site_id"])


def length_change(admitted: dict, new_end: date) -> dict:
    payload = admitted["payload"]
    return intake_event("intake.enrollment.length_changed", {
        "enrollment_id": payload["enrollment_id"], "patient_id": payload["patient_id"], "planned_weeks": 10,
        "planned_end_date": new_end, "previous_planned_end_date": date.fromisoformat(payload["planned_end_date"]),
    }, admitted["site_id"])


GROUP = {"name": "Morning skills", "program": "mh-adult", "modality": "group_therapy",
         "weekdays": ["mon", "wed", "fri"], "start_time": "09:00", "duration_minutes": 180, "capacity": 10}


def create_group(scheduling, **changes) -> dict:
    answer = scheduling.post("/v1/groups", json={**GROUP, **changes}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    return answer.json


def sessions_of(scheduling, enrollment_id: str, headers=CLINICIAN) -> list[dict]:
    answer = scheduling.get(f"/v1/enrollments/{enrollment_id}/sessions", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json
