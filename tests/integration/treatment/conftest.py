"""Fixtures and helpers of treatment's integration tests: the API client, the service context on the
same database, and intake's and scheduling's events delivered straight to treatment's handlers."""
import uuid
from datetime import date, datetime, timedelta, timezone
from functools import partial

import pytest

from services.treatment.handlers import HANDLERS
from shared.events import Event, load_event
from tests.conftest import CLINICIAN, api_client, deliver_to, published, service_context

SITE = "mpls"  # the site of tests.conftest.CLINICIAN
OTHER_SITE_ID = "stpaul"  # the site of tests.conftest.OTHER_SITE
ADMITTED_ON = date(2026, 11, 16)  # ten days before the pinned clock (tests/integration/conftest.py)
GROUP_STARTS_AT = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)  # 09:00 at the site, yesterday
DAP = {"format": "DAP", "sections": {"data": "Arrived on time; engaged.", "assessment": "Mood improving.",
                                     "plan": "Continue the exposure hierarchy."}}


@pytest.fixture
def treatment(settings, sites):
    return api_client("treatment", settings, sites)


@pytest.fixture
def treatment_context(settings, sites):
    return service_context("treatment", settings, sites)


def event(event_type: str, payload: dict, site_id: str = SITE, occurred_at: datetime | None = None) -> Event:
    """An event as the treatment worker receives it: made and validated by the producer's rules,
    then loaded the way the consumer loads it."""
    return load_event(published(event_type, payload, site_id, occurred_at))


deliver = partial(deliver_to, HANDLERS)


def admitted_enrollment(context, codes=(("F33.1", 1), ("F41.1", 2)), site_id: str = SITE,
                        program: str = "mh-adult") -> tuple[str, str]:
    """An enrollment intake admitted and reported diagnoses for, as treatment heard of it."""
    enrollment_id, patient_id = str(uuid.uuid4()), str(uuid.uuid4())
    deliver(context, event("intake.enrollment.admitted", {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": program, "level_of_care": "2.1",
        "start_date": ADMITTED_ON, "planned_weeks": 8, "planned_end_date": ADMITTED_ON + timedelta(weeks=8)},
        site_id))
    if codes:
        deliver(context, event("intake.diagnoses.updated", {
            "enrollment_id": enrollment_id, "patient_id": patient_id, "primary_code": codes[0][0],
            "diagnoses": [{"code": code, "rank": rank} for code, rank in codes]}, site_id))
    return enrollment_id, patient_id


def discharge_event(enrollment_id: str, patient_id: str, outcome: str = "completed", site_id: str = SITE) -> Event:
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return event(event_type, {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": "mh-adult", "start_date": ADMITTED_ON,
        "discharge_date": date(2026, 11, 26), "outcome": outcome, "step_down": None}, site_id)


def attendance_event(enrollment_id: str, patient_id: str, session_id: str | None = None, status: str = "present",
                     site_id: str = SITE, occurred_at: datetime | None = None, **session) -> Event:
    return event("scheduling.attendance.recorded", {
        "session_id": session_id or str(uuid.uuid4()), "enrollment_id": enrollment_id, "patient_id": patient_id,
        "status": status, **session}, site_id, occurred_at)


def content_of(plan: dict) -> dict:
    """A complete content for the draft's problems (ids kept): a goal and an objective each, one intervention."""
    return {"problems": [{"id": problem["id"], "description": f"Problem {index}",
                          "diagnosis_code": problem["diagnosis_code"],
                          "goals": [{"description": f"Goal {index}", "objectives": [
                              {"description": f"Objective {index}", "target_date": "2026-12-31",
                               "measure": "weekly diary"}]}]}
                         for index, problem in enumerate(plan["problems"])],
            "interventions": [{"modality": "group", "description": "CBT skills group", "frequency": "3 times a week",
                               "responsible_role": "group_facilitator"}]}


def draft_plan(client, enrollment_id: str, headers=CLINICIAN) -> dict:
    answer = client.post("/v1/plans", json={"enrollment_id": enrollment_id}, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def active_plan(client, enrollment_id: str) -> dict:
    """The enrollment's plan drafted, completed and signed by the clinician and the patient."""
    plan = draft_plan(client, enrollment_id)
    assert client.put(f"/v1/plans/{plan['id']}", json=content_of(plan), headers=CLINICIAN).status_code == 200
    for role, signer in (("clinician", "staff-0042"), ("patient", "patient")):
        answer = client.post(f"/v1/plans/{plan['id']}/signatures", json={"role": role, "signer": signer},
                             headers=CLINICIAN)
        assert answer.status_code == 201, answer.json
    return answer.json


def objective_ids(plan: dict) -> list[str]:
    return [objective["id"] for problem in plan["problems"] for goal in problem["goals"]
            for objective in goal["objectives"]]


def only_note(client, enrollment_id: str, **query) -> dict:
    [note] = client.get("/v1/notes", query_string={"enrollment_id": enrollment_id, **query}, headers=CLINICIAN).json
    return note
