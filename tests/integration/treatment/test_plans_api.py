"""Treatment plans over HTTP: drafted from the diagnoses intake reported, edited, signed by the
required roles into force and locked, revised into a new version, reviewed."""
from tests.conftest import CLINICIAN, pending_events
from tests.integration.treatment.conftest import active_plan as signed_plan
from tests.integration.treatment.conftest import (
    admitted_enrollment,
    content_of,
    draft_plan,
    objective_ids,
)


def test_a_draft_is_prefilled_with_one_problem_per_reported_diagnosis(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context, codes=(("F41.1", 2), ("F33.1", 1)))
    plan = draft_plan(treatment, enrollment_id)
    assert (plan["enrollment_id"], plan["patient_id"], plan["version"], plan["status"]) == (
        enrollment_id, patient_id, 1, "draft")
    assert [(problem["diagnosis_code"], problem["description"]) for problem in plan["problems"]] == [
        ("F33.1", None), ("F41.1", None)]
    assert plan["required_signatures"] == ["clinician", "patient"]


def test_an_enrollment_treatment_has_not_heard_of_is_a_422_on_enrollment_id(treatment):
    answer = treatment.post("/v1/plans", json={"enrollment_id": "not-admitted"}, headers=CLINICIAN)
    assert (answer.status_code, answer.mimetype, list(answer.json["errors"])) == (
        422, "application/problem+json", ["enrollment_id"])


def test_a_second_plan_for_one_enrollment_is_a_409(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    draft_plan(treatment, enrollment_id)
    assert treatment.post("/v1/plans", json={"enrollment_id": enrollment_id}, headers=CLINICIAN).status_code == 409


def test_a_retried_creation_with_its_idempotency_key_answers_the_first_plan(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    headers = {**CLINICIAN, "Idempotency-Key": "draft-plan-1"}
    first = treatment.post("/v1/plans", json={"enrollment_id": enrollment_id}, headers=headers)
    again = treatment.post("/v1/plans", json={"enrollment_id": enrollment_id}, headers=headers)
    assert (first.status_code, again.status_code, again.json["id"]) == (201, 201, first.json["id"])
    assert again.headers["Idempotent-Replayed"] == "true"


def test_editing_keeps_the_ids_given_and_refuses_a_code_not_of_the_enrollment(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = draft_plan(treatment, enrollment_id)
    edited = treatment.put(f"/v1/plans/{plan['id']}", json=content_of(plan), headers=CLINICIAN)
    assert edited.status_code == 200
    assert [p["id"] for p in edited.json["problems"]] == [p["id"] for p in plan["problems"]]
    assert edited.json["problems"][0]["goals"][0]["objectives"][0]["target_date"] == "2026-12-31"
    wrong = content_of(plan)
    wrong["problems"][0]["diagnosis_code"] = "F90.0"
    answer = treatment.put(f"/v1/plans/{plan['id']}", json=wrong, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["problems.0.diagnosis_code"])


def test_an_incomplete_plan_cannot_be_signed_and_the_answer_names_what_is_missing(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = draft_plan(treatment, enrollment_id)
    answer = treatment.post(f"/v1/plans/{plan['id']}/signatures", json={"role": "clinician", "signer": "staff-1"},
                            headers=CLINICIAN)
    assert answer.status_code == 422
    assert "problems.0.description" in answer.json["errors"]


def test_signed_by_the_required_roles_the_plan_is_active_and_locked(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = signed_plan(treatment, enrollment_id)
    assert (plan["status"], plan["effective_date"], plan["next_review_date"]) == ("active", "2026-11-26", "2026-12-26")
    assert [(s["role"], s["signer"]) for s in plan["signatures"]] == [("clinician", "staff-0042"), ("patient", "patient")]
    [activated] = pending_events(treatment_context, "plans", "treatment.plan.activated")
    assert activated["payload"] == {"plan_id": plan["id"], "enrollment_id": enrollment_id,
                                    "patient_id": plan["patient_id"], "version": 1, "next_review_date": "2026-12-26"}
    locked = treatment.put(f"/v1/plans/{plan['id']}", json=content_of(plan), headers=CLINICIAN)
    assert (locked.status_code, locked.mimetype) == (409, "application/problem+json")
    again = treatment.post(f"/v1/plans/{plan['id']}/signatures", json={"role": "patient", "signer": "patient"},
                           headers=CLINICIAN)
    assert again.status_code == 409


def test_a_role_the_plan_does_not_require_is_refused(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context, program="adolescent")
    plan = draft_plan(treatment, enrollment_id)
    treatment.put(f"/v1/plans/{plan['id']}", json=content_of(plan), headers=CLINICIAN)
    answer = treatment.post(f"/v1/plans/{plan['id']}/signatures", json={"role": "patient", "signer": "patient"},
                            headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["role"])
    assert plan["required_signatures"] == ["clinician", "guardian"]


def test_a_signer_must_be_an_identifier_not_a_name(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = draft_plan(treatment, enrollment_id)
    answer = treatment.post(f"/v1/plans/{plan['id']}/signatures", json={"role": "clinician", "signer": "Dr. Jane Okafor"},
                            headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["signer"])


def test_a_change_makes_a_new_version_that_needs_signing_again_then_supersedes_the_first(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    first = signed_plan(treatment, enrollment_id)
    answer = treatment.post(f"/v1/plans/{first['id']}/revisions", headers=CLINICIAN)
    assert answer.status_code == 201
    revision = answer.json
    assert (revision["version"], revision["status"], revision["signatures"], objective_ids(revision)) == (
        2, "draft", [], objective_ids(first))
    content = content_of(revision)
    content["problems"][0]["goals"][0]["objectives"][0]["id"] = objective_ids(first)[0]
    content["problems"][0]["description"] = "Problem 0, revised"
    assert treatment.put(f"/v1/plans/{revision['id']}", json=content, headers=CLINICIAN).status_code == 200
    for role, signer in (("clinician", "staff-0042"), ("patient", "patient")):
        treatment.post(f"/v1/plans/{revision['id']}/signatures", json={"role": role, "signer": signer},
                       headers=CLINICIAN)
    versions = treatment.get("/v1/plans", query_string={"enrollment_id": enrollment_id}, headers=CLINICIAN).json
    assert [(plan["version"], plan["status"]) for plan in versions] == [(2, "active"), (1, "superseded")]
    assert versions[0]["problems"][0]["description"] == "Problem 0, revised"


def test_a_review_records_each_objectives_progress_and_the_next_review_date(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = signed_plan(treatment, enrollment_id)
    first, second = objective_ids(plan)
    answer = treatment.post(f"/v1/plans/{plan['id']}/reviews", json={
        "progress": [{"objective_id": first, "status": "met"},
                     {"objective_id": second, "status": "progressing", "comment": "Diary kept 4 days of 7."}],
        "next_review_date": "2026-12-20", "reviewer": "staff-0042"}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    reviewed = answer.json
    assert [o["progress"] for o in reviewed["problems"][0]["goals"][0]["objectives"]] == ["met"]
    assert (reviewed["next_review_date"], reviewed["reviews"][0]["reviewed_on"]) == ("2026-12-20", "2026-11-26")


def test_a_review_missing_an_objective_or_of_a_draft_is_refused(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = signed_plan(treatment, enrollment_id)
    partial = {"progress": [{"objective_id": objective_ids(plan)[0], "status": "met"}]}
    assert treatment.post(f"/v1/plans/{plan['id']}/reviews", json=partial, headers=CLINICIAN).status_code == 422
    other, _ = admitted_enrollment(treatment_context)
    draft = draft_plan(treatment, other)
    assert treatment.post(f"/v1/plans/{draft['id']}/reviews", json={"progress": []}, headers=CLINICIAN).status_code == 409


def test_unknown_fields_are_refused(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    answer = treatment.post("/v1/plans", json={"enrollment_id": enrollment_id, "status": "active"}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["status"])
