"""Who may call what: every intake endpoint needs a key; operator keys reach the census only."""
import pytest

from tests.conftest import OPERATOR

ANY_ID = "c0ffee00-0000-4000-8000-000000000000"
CLINICAL_CALLS = [
    ("post", "/v1/referrals"),
    ("get", "/v1/referrals"),
    ("get", f"/v1/referrals/{ANY_ID}"),
    ("post", f"/v1/referrals/{ANY_ID}/transitions"),
    ("post", "/v1/patients"),
    ("get", "/v1/patients"),
    ("get", f"/v1/patients/{ANY_ID}"),
    ("patch", f"/v1/patients/{ANY_ID}"),
    ("post", f"/v1/patients/{ANY_ID}/assessments"),
    ("get", f"/v1/patients/{ANY_ID}/assessments"),
    ("get", f"/v1/patients/{ANY_ID}/assessments/summary"),
    ("post", "/v1/enrollments"),
    ("get", "/v1/enrollments"),
    ("get", f"/v1/enrollments/{ANY_ID}"),
    ("post", f"/v1/enrollments/{ANY_ID}/discharge"),
    ("post", f"/v1/enrollments/{ANY_ID}/planned-length"),
]


@pytest.mark.parametrize("method, path", [*CLINICAL_CALLS, ("get", "/v1/census")])
def test_a_call_without_a_key_is_401(intake, method, path):
    answer = getattr(intake, method)(path, json={})
    assert (answer.status_code, answer.content_type) == (401, "application/problem+json")


@pytest.mark.parametrize("method, path", [*CLINICAL_CALLS, ("get", "/v1/census")])
def test_a_call_with_an_unknown_key_is_401(intake, method, path):
    answer = getattr(intake, method)(path, json={}, headers={"Authorization": "Bearer not-a-key"})
    assert answer.status_code == 401


@pytest.mark.parametrize("method, path", CLINICAL_CALLS)
def test_an_operator_key_on_a_clinical_endpoint_is_403(intake, method, path):
    answer = getattr(intake, method)(path, json={}, headers=OPERATOR)
    assert (answer.status_code, answer.content_type) == (403, "application/problem+json")


def test_an_operator_key_reaches_the_census(intake):
    assert intake.get("/v1/census", headers=OPERATOR).status_code == 200
