"""Another site's treatment resources answer 404 on every endpoint, exactly as missing ones, and stay
out of every list; a body naming another site's enrollment is an unknown enrollment."""
import pytest

from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.treatment.conftest import (
    DAP,
    GROUP_STARTS_AT,
    active_plan,
    admitted_enrollment,
    attendance_event,
    deliver,
    discharge_event,
    only_note,
)


@pytest.fixture
def mpls_records(treatment, treatment_context):
    """A plan, a group note and a discharge summary of site mpls."""
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    plan = active_plan(treatment, enrollment_id)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, session_kind="group", group_id="grp-1",
                                                starts_at=GROUP_STARTS_AT))
    note = only_note(treatment, enrollment_id)
    deliver(treatment_context, discharge_event(enrollment_id, patient_id))
    [summary] = treatment.get("/v1/discharge-summaries", query_string={"enrollment_id": enrollment_id},
                              headers=CLINICIAN).json
    return {"enrollment_id": enrollment_id, "plan": plan["id"], "note": note["id"],
            "meeting": note["group_session_id"], "summary": summary["id"]}


CALLS = [
    ("get", "/v1/plans/{plan}", None),
    ("put", "/v1/plans/{plan}", {"problems": [], "interventions": []}),
    ("post", "/v1/plans/{plan}/signatures", {"role": "clinician", "signer": "staff-1"}),
    ("post", "/v1/plans/{plan}/revisions", None),
    ("post", "/v1/plans/{plan}/reviews", {"progress": []}),
    ("get", "/v1/notes/{note}", None),
    ("put", "/v1/notes/{note}", DAP),
    ("post", "/v1/notes/{note}/sign", {"signer": "staff-1"}),
    ("post", "/v1/notes/{note}/addenda", {"text": "x", "signer": "staff-1"}),
    ("get", "/v1/group-sessions/{meeting}", None),
    ("put", "/v1/group-sessions/{meeting}", {"narrative": "x"}),
    ("get", "/v1/discharge-summaries/{summary}", None),
]


@pytest.mark.parametrize("method, path, body", CALLS, ids=[f"{m} {p}" for m, p, _ in CALLS])
def test_another_sites_resource_answers_404(treatment, mpls_records, method, path, body):
    answer = getattr(treatment, method)(path.format(**mpls_records), json=body, headers=OTHER_SITE)
    assert (answer.status_code, answer.mimetype) == (404, "application/problem+json")


@pytest.mark.parametrize("path", ["/v1/plans", "/v1/notes", "/v1/group-sessions", "/v1/discharge-summaries"])
def test_another_sites_lists_hold_none_of_this_sites_records(treatment, mpls_records, path):
    assert treatment.get(path, headers=OTHER_SITE).json == []
    assert treatment.get(path, headers=CLINICIAN).json != []


def test_a_plan_for_another_sites_enrollment_is_an_unknown_enrollment(treatment, mpls_records):
    answer = treatment.post("/v1/plans", json={"enrollment_id": mpls_records["enrollment_id"]}, headers=OTHER_SITE)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["enrollment_id"])


def test_every_call_needs_a_key(treatment, mpls_records):
    answer = treatment.get(f"/v1/plans/{mpls_records['plan']}")
    assert (answer.status_code, answer.mimetype) == (401, "application/problem+json")
