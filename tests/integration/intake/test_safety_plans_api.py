"""Stanley-Brown safety plans over HTTP, on the database server, events read from the outbox."""
import json

import pytest

from services.intake.store import SAFETY_PLANS
from tests.conftest import CLINICIAN, OPERATOR, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, register

NO_SUCH_ID = "5d2c7a10-6b3e-4f8a-9c1d-2e3f4a5b6c7d"


def plan_body(**changes) -> dict:
    body = {
        "warning_signs": ["Not sleeping", "Pulling away from friends"],
        "internal_coping_strategies": ["Walk the dog"],
        "social_distractions": [{"kind": "place", "name": "The climbing gym"}],
        "people_to_ask_for_help": [{"name": "Maria (sister)", "phone": "+1 612 555 0142"}],
        "professionals_and_agencies": [{"kind": "clinician", "name": "Dr Lee", "phone": "+1 612 555 0100"}],
        "environment_safety": {"means_discussed": ["firearms", "medications"],
                               "actions_agreed": ["Brother keeps the rifle until the next review."],
                               "counselled_on": days_ago(0)},
        "reasons_for_living": ["My kids"],
        **changes,
    }
    return {key: value for key, value in body.items() if value is not None}


def write(intake, patient_id, headers=CLINICIAN, **changes):
    return intake.post(f"/v1/patients/{patient_id}/safety-plans", json=plan_body(**changes), headers=headers)


def written(intake, patient_id, **changes) -> dict:
    answer = write(intake, patient_id, **changes)
    assert answer.status_code == 201, answer.json
    return answer.json


def assessment_of(intake, patient_id) -> str:
    answer = intake.post(f"/v1/patients/{patient_id}/assessments", headers=CLINICIAN,
                         json={"instrument": "PHQ-9", "item_scores": [2, 2, 1, 2, 1, 1, 2, 1, 1]})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_a_first_plan_is_version_1_current_with_its_six_steps_and_988(intake):
    plan = written(intake, register(intake))
    assert (plan["version"], plan["current"], plan["warning_signs"]) == (
        1, True, ["Not sleeping", "Pulling away from friends"])
    assert [contact["phone"] for contact in plan["professionals_and_agencies"]] == ["+1 612 555 0100", "988"]
    assert plan["environment_safety"]["counselled_on"] == days_ago(0)


def test_the_recorded_event_names_the_plan_its_version_and_what_prompted_it(intake, intake_context):
    patient_id = register(intake)
    enrollment, assessment_id = admit(intake, patient_id), assessment_of(intake, patient_id)
    plan = written(intake, patient_id, enrollment_id=enrollment["id"], assessment_id=assessment_id)
    [event] = pending_events(intake_context, SAFETY_PLANS, "intake.safety_plan.recorded")
    assert event["payload"] == {"safety_plan_id": plan["id"], "patient_id": patient_id,
                                "enrollment_id": enrollment["id"], "version": 1, "assessment_id": assessment_id}


def test_versions_are_listed_newest_first_with_the_latest_current(intake):
    patient_id = register(intake)
    first, second = written(intake, patient_id), written(intake, patient_id, warning_signs=["Drinking alone"])
    answer = intake.get(f"/v1/patients/{patient_id}/safety-plans", headers=CLINICIAN)
    assert [(plan["id"], plan["version"], plan["current"]) for plan in answer.json] == [
        (second["id"], 2, True), (first["id"], 1, False)]
    assert json.loads(answer.headers["X-Pagination"])["total"] == 2


def test_an_older_version_is_read_as_written_and_not_current(intake):
    patient_id = register(intake)
    first = written(intake, patient_id)
    written(intake, patient_id, warning_signs=["Drinking alone"])
    answer = intake.get(f"/v1/safety-plans/{first['id']}", headers=CLINICIAN).json
    assert (answer["warning_signs"], answer["current"]) == (first["warning_signs"], False)


@pytest.mark.parametrize("changes, field", [
    ({"warning_signs": []}, "warning_signs"),
    ({"internal_coping_strategies": ["  "]}, "internal_coping_strategies.0"),
    ({"environment_safety": None}, "environment_safety"),
    ({"environment_safety": {"means_discussed": [], "actions_agreed": [], "counselled_on": "2026-11-20"}},
     "environment_safety.means_discussed"),
    ({"environment_safety": {"means_discussed": ["rope"], "actions_agreed": [], "counselled_on": "2026-11-20"}},
     "environment_safety.means_discussed.0"),
    ({"people_to_ask_for_help": [{"name": "Maria", "phone": "call me"}]}, "people_to_ask_for_help.0.phone"),
    ({"social_distractions": [{"kind": "party", "name": "Friday club"}]}, "social_distractions.0.kind"),
])
def test_a_plan_missing_a_step_or_with_a_bad_entry_is_422_on_the_field_and_records_nothing(intake, intake_context,
                                                                                         changes, field):
    answer = write(intake, register(intake), **changes)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", [field])
    assert pending_events(intake_context, SAFETY_PLANS) == []


def test_a_counselling_after_today_is_422(intake):
    answer = write(intake, register(intake), environment_safety={
        "means_discussed": ["firearms"], "actions_agreed": [], "counselled_on": days_ago(-1)})
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["environment_safety.counselled_on"])


@pytest.mark.parametrize("field", ["enrollment_id", "assessment_id"])
def test_an_enrollment_or_assessment_of_another_patient_is_422(intake, field):
    other = register(intake, mrn="MRN-2")
    linked = admit(intake, other)["id"] if field == "enrollment_id" else assessment_of(intake, other)
    answer = write(intake, register(intake), **{field: linked})
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


def test_a_plan_for_an_unknown_patient_is_404(intake):
    assert write(intake, NO_SUCH_ID).status_code == 404


def test_a_retried_plan_with_the_same_idempotency_key_makes_one_version(intake, intake_context):
    patient_id = register(intake)
    headers = {**CLINICIAN, "Idempotency-Key": "plan-1"}
    first, again = write(intake, patient_id, headers=headers), write(intake, patient_id, headers=headers)
    assert (again.status_code, again.json, again.headers["Idempotent-Replayed"]) == (201, first.json, "true")
    assert len(intake.get(f"/v1/patients/{patient_id}/safety-plans", headers=CLINICIAN).json) == 1
    assert len(pending_events(intake_context, SAFETY_PLANS)) == 1


def test_another_sites_patient_and_plan_are_404(intake, intake_context):
    patient_id = register(intake)
    plan = written(intake, patient_id)
    assert write(intake, patient_id, headers=OTHER_SITE).status_code == 404
    assert intake.get(f"/v1/patients/{patient_id}/safety-plans", headers=OTHER_SITE).status_code == 404
    assert intake.get(f"/v1/safety-plans/{plan['id']}", headers=OTHER_SITE).status_code == 404
    assert len(pending_events(intake_context, SAFETY_PLANS)) == 1


@pytest.mark.parametrize("method, path", [("post", f"/v1/patients/{NO_SUCH_ID}/safety-plans"),
                                          ("get", f"/v1/patients/{NO_SUCH_ID}/safety-plans"),
                                          ("get", f"/v1/safety-plans/{NO_SUCH_ID}")])
def test_safety_plans_need_a_clinicians_key(intake, method, path):
    assert getattr(intake, method)(path, json={}).status_code == 401
    assert getattr(intake, method)(path, json={}, headers=OPERATOR).status_code == 403


def test_the_spec_documents_the_safety_plan_operations_with_examples(intake):
    spec = intake.get("/openapi.json").json
    assert set(spec["paths"]["/v1/patients/{patient_id}/safety-plans"]) - {"parameters"} == {"get", "post"}
    assert set(spec["paths"]["/v1/safety-plans/{safety_plan_id}"]) - {"parameters"} == {"get"}
    properties = spec["components"]["schemas"]["SafetyPlanCreate"]["properties"]
    assert [properties[step]["description"][:6] for step in (
        "warning_signs", "internal_coping_strategies", "social_distractions", "people_to_ask_for_help",
        "professionals_and_agencies", "environment_safety")] == [f"Step {n}" for n in range(1, 7)]
    assert "example" in properties["warning_signs"]
    assert spec["components"]["schemas"]["LethalMeansCounselling"]["properties"]["means_discussed"]["items"]["enum"]
