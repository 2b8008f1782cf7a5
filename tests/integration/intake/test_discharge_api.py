"""Intake's admission and discharge over HTTP, on the database server, events read from the outbox."""
import pytest

from services.intake.store import ENROLLMENTS
from tests.conftest import CLINICIAN, OTHER_SITE, api_client, pending_events, service_context


@pytest.fixture
def intake(settings, sites):
    return api_client("intake", settings, sites)


@pytest.fixture
def intake_context(settings, sites):
    return service_context("intake", settings, sites)


def register(intake, mrn="MRN-1"):
    answer = intake.post("/v1/patients", json={"mrn": mrn, "given_name": "Alex", "family_name": "Rivera",
                                               "birth_date": "1990-04-12"}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def admit(intake, patient_id, start_date="2026-09-01"):
    answer = intake.post("/v1/enrollments", json={"patient_id": patient_id, "program": "mh-adult",
                                                  "start_date": start_date}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    return answer.json


def test_completed_discharge_writes_exactly_one_completion_event(intake, intake_context):
    enrollment = admit(intake, register(intake))
    first = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                        json={"outcome": "completed", "discharge_date": "2026-10-26"}, headers=CLINICIAN)
    second = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                         json={"outcome": "completed", "discharge_date": "2026-10-26"}, headers=CLINICIAN)
    assert (first.status_code, first.json["status"]) == (200, "completed")
    assert second.status_code == 409
    assert second.content_type == "application/problem+json"
    completions = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")
    assert [event["payload"]["enrollment_id"] for event in completions] == [enrollment["id"]]


def test_other_outcomes_set_status_discharged_and_emit_discharged(intake, intake_context):
    enrollment = admit(intake, register(intake))
    answer = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                         json={"outcome": "against_advice", "discharge_date": "2026-09-10"}, headers=CLINICIAN)
    assert answer.json["status"] == "discharged"
    assert [e["event_type"] for e in pending_events(intake_context, ENROLLMENTS)][-1] == "intake.enrollment.discharged"


def test_retried_discharge_with_the_same_idempotency_key_replays_the_first_answer(intake, intake_context):
    enrollment = admit(intake, register(intake))
    headers = {**CLINICIAN, "Idempotency-Key": "discharge-1"}
    body = {"outcome": "completed", "discharge_date": "2026-10-26"}
    first = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge", json=body, headers=headers)
    again = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge", json=body, headers=headers)
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")) == 1


def test_discharge_before_the_start_date_is_refused_field_by_field_and_changes_nothing(intake, intake_context):
    enrollment = admit(intake, register(intake), start_date="2026-09-01")
    answer = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                         json={"outcome": "completed", "discharge_date": "2026-08-31"}, headers=CLINICIAN)
    assert answer.status_code == 422
    assert "discharge_date" in answer.json["errors"]
    assert intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json["status"] == "active"


def test_another_sites_enrollment_answers_404_as_if_it_did_not_exist(intake):
    enrollment = admit(intake, register(intake))
    assert intake.get(f"/v1/enrollments/{enrollment['id']}", headers=OTHER_SITE).status_code == 404
    discharge = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                            json={"outcome": "completed", "discharge_date": "2026-10-26"}, headers=OTHER_SITE)
    assert discharge.status_code == 404


def test_a_request_without_a_key_is_401(intake):
    assert intake.get("/v1/enrollments").status_code == 401


def test_a_second_active_enrollment_in_the_same_program_is_409(intake):
    patient_id = register(intake)
    admit(intake, patient_id)
    again = intake.post("/v1/enrollments", json={"patient_id": patient_id, "program": "mh-adult",
                                                 "start_date": "2026-09-08"}, headers=CLINICIAN)
    assert again.status_code == 409
