"""The discharge summary over HTTP, after the worker's handler has seen the discharge."""
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.treatment.conftest import (
    active_plan,
    admitted_enrollment,
    deliver,
    discharge_event,
    objective_ids,
)


def test_at_completion_a_summary_draft_lists_the_objectives_met_and_not_met(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    plan = active_plan(treatment, enrollment_id)
    met, unmet = objective_ids(plan)
    treatment.post(f"/v1/plans/{plan['id']}/reviews", json={"progress": [
        {"objective_id": met, "status": "met"}, {"objective_id": unmet, "status": "not_met"}]}, headers=CLINICIAN)
    deliver(treatment_context, discharge_event(enrollment_id, patient_id))

    [summary] = treatment.get("/v1/discharge-summaries", query_string={"enrollment_id": enrollment_id},
                              headers=CLINICIAN).json
    assert (summary["status"], summary["outcome"], summary["plan_id"], summary["plan_version"]) == (
        "draft", "completed", plan["id"], 1)
    assert (summary["met_objective_ids"], summary["unmet_objective_ids"]) == ([met], [unmet])
    assert [o["progress"] for o in summary["objectives"]] == ["met", "not_met"]
    assert treatment.get(f"/v1/discharge-summaries/{summary['id']}", headers=CLINICIAN).json == summary
    [drafted] = pending_events(treatment_context, "discharge_summaries", "treatment.discharge_summary.drafted")
    assert drafted["payload"] == {"summary_id": summary["id"], "enrollment_id": enrollment_id,
                                  "patient_id": patient_id, "plan_id": plan["id"], "objectives_met": 1,
                                  "objectives_not_met": 1, "unmet_objective_ids": [unmet]}


def test_any_other_discharge_drafts_a_summary_too(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, discharge_event(enrollment_id, patient_id, outcome="against_advice"))
    [summary] = treatment.get("/v1/discharge-summaries", query_string={"enrollment_id": enrollment_id},
                              headers=CLINICIAN).json
    assert (summary["outcome"], summary["plan_id"], summary["objectives"]) == ("against_advice", None, [])


def test_another_sites_summary_is_neither_listed_nor_found(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, discharge_event(enrollment_id, patient_id))
    [summary] = treatment.get("/v1/discharge-summaries", query_string={"enrollment_id": enrollment_id},
                              headers=CLINICIAN).json
    assert treatment.get("/v1/discharge-summaries", query_string={"enrollment_id": enrollment_id},
                         headers=OTHER_SITE).json == []
    assert treatment.get(f"/v1/discharge-summaries/{summary['id']}", headers=OTHER_SITE).status_code == 404
