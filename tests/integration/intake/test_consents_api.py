"""Part 2 consents over HTTP, on the database server, events read from the outbox."""
import json

import jsonschema_rs
import pytest

from services.intake.store import CONSENTS
from tests.conftest import CLINICIAN, OPERATOR, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, discharge, register

NO_SUCH_ID = "5d2c7a10-6b3e-4f8a-9c1d-2e3f4a5b6c7d"


def consent_body(**changes) -> dict:
    """Diagnoses and the referral packet to one provider, for treatment, until the end of treatment;
    a change to None leaves the field out."""
    body = {"scope": ["referral_packet", "diagnoses"], "recipient_id": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "purpose": "treatment",
            "expiry_event": "end_of_treatment",
            "signature": {"signed_by": "patient", "signer": "patient", "signed_on": days_ago(2)}, **changes}
    return {key: value for key, value in body.items() if value is not None}


def grant(intake, patient_id, headers=CLINICIAN, **changes):
    return intake.post(f"/v1/patients/{patient_id}/consents", json=consent_body(**changes), headers=headers)


def granted(intake, patient_id, **changes) -> dict:
    answer = grant(intake, patient_id, **changes)
    assert answer.status_code == 201, answer.json
    return answer.json


def revoke(intake, consent_id, body=None, headers=CLINICIAN):
    return intake.post(f"/v1/consents/{consent_id}/revoke", json=body, headers=headers)


# -- recording -----------------------------------------------------------------------------------

def test_a_consent_is_recorded_active_with_its_elements(intake):
    patient_id = register(intake)
    answer = grant(intake, patient_id)
    assert answer.status_code == 201
    assert {key: answer.json[key] for key in ("patient_id", "status", "scope", "recipient_id", "recipient_class",
                                              "purpose", "expiry_event", "last_day", "signature", "revocation")} == {
        "patient_id": patient_id, "status": "active", "scope": ["diagnoses", "referral_packet"],
        "recipient_id": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "recipient_class": None, "purpose": "treatment", "expiry_event": "end_of_treatment",
        "last_day": None, "signature": {"signed_by": "patient", "signer": "patient", "signed_on": days_ago(2)},
        "revocation": None}


def test_the_granted_event_carries_ids_and_codes_only(intake, intake_context):
    consent = granted(intake, register(intake), purpose="other", purpose_detail="At my request, for my lawyer.",
                      expiry_event=None, expires_on=days_ago(-30))
    [event] = pending_events(intake_context, CONSENTS, "intake.consent.granted")
    assert event["payload"] == {
        "consent_id": consent["id"], "patient_id": consent["patient_id"], "scope": ["diagnoses", "referral_packet"],
        "recipient_id": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "recipient_class": None, "purpose": "other", "expires_on": days_ago(-30),
        "expiry_event": None}


def test_a_tpo_consent_names_a_class_of_recipients(intake):
    consent = granted(intake, register(intake), recipient_id=None, recipient_class="tpo", expiry_event="none")
    assert (consent["recipient_id"], consent["recipient_class"], consent["status"]) == (None, "tpo", "active")


@pytest.mark.parametrize("changes, field", [
    ({"scope": ["all_records", "diagnoses"]}, "scope"),
    ({"scope": ["diagnoses", "diagnoses"]}, "scope"),
    ({"recipient_class": "tpo"}, "recipient_id"),
    ({"recipient_id": None}, "recipient_id"),
    ({"recipient_id": "prov-7"}, "recipient_id"),  # a provider of the directory is named by its id, a UUID
    ({"purpose": "other"}, "purpose_detail"),
    ({"purpose": "other", "purpose_detail": "   "}, "purpose_detail"),
    ({"purpose_detail": "Because."}, "purpose_detail"),
    ({"expires_on": "2030-01-01"}, "expires_on"),
    ({"expiry_event": None}, "expires_on"),
    ({"purpose": "other", "purpose_detail": "Research.", "expiry_event": "none"}, "expiry_event"),
    ({"signature": {"signed_by": "neighbour", "signer": "patient", "signed_on": "2026-11-20"}}, "signature.signed_by"),
    ({"signature": {"signed_by": "patient", "signer": "Alex Rivera", "signed_on": "2026-11-20"}}, "signature.signer"),
])
def test_terms_the_spec_refuses_are_422_on_the_field_and_record_nothing(intake, intake_context, allows, changes,
                                                                         field):
    body = consent_body(**changes)
    assert not allows("post", "/v1/patients/{patient_id}/consents", body)
    answer = intake.post(f"/v1/patients/{register(intake)}/consents", json=body, headers=CLINICIAN)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", [field])
    assert pending_events(intake_context, CONSENTS) == []


@pytest.mark.parametrize("changes, field", [
    (lambda: {"expiry_event": None, "expires_on": days_ago(3)}, "expires_on"),  # before the signature
    (lambda: {"expiry_event": None, "expires_on": days_ago(1)}, "expires_on"),  # already past
    (lambda: {"signature": {"signed_by": "patient", "signer": "patient", "signed_on": days_ago(-1)}},
     "signature.signed_on"),
], ids=["expiry-before-signature", "expiry-past", "signed-after-today"])
def test_days_that_do_not_fit_are_422_on_the_field(intake, allows, changes, field):
    body = consent_body(**changes())  # days counted at the integration tier's pinned instant
    assert allows("post", "/v1/patients/{patient_id}/consents", body)  # the spec cannot compare days
    answer = intake.post(f"/v1/patients/{register(intake)}/consents", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


def test_a_consent_for_an_unknown_patient_is_404(intake):
    assert grant(intake, NO_SUCH_ID).status_code == 404


# -- reading -------------------------------------------------------------------------------------

def test_a_consent_is_read_by_its_id(intake):
    consent = granted(intake, register(intake))
    assert intake.get(f"/v1/consents/{consent['id']}", headers=CLINICIAN).json == consent


def test_the_patients_consents_are_paginated_and_filtered_by_status(intake):
    patient_id = register(intake)
    kept, revoked = granted(intake, patient_id), granted(intake, patient_id)
    revoke(intake, revoked["id"])
    page = intake.get(f"/v1/patients/{patient_id}/consents?page_size=1", headers=CLINICIAN)
    assert (len(page.json), json.loads(page.headers["X-Pagination"])["total"]) == (1, 2)
    active = intake.get(f"/v1/patients/{patient_id}/consents?status=active", headers=CLINICIAN).json
    assert [consent["id"] for consent in active] == [kept["id"]]


def test_an_end_of_treatment_consent_is_expired_after_the_discharge(intake):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id, start_date=days_ago(28))
    consent = granted(intake, patient_id)
    assert discharge(intake, enrollment["id"], discharge_date=days_ago(1)).status_code == 200
    answer = intake.get(f"/v1/consents/{consent['id']}", headers=CLINICIAN).json
    assert (answer["status"], answer["last_day"]) == ("expired", days_ago(1))
    expired = intake.get(f"/v1/patients/{patient_id}/consents?status=expired", headers=CLINICIAN).json
    assert [consent["id"] for consent in expired] == [consent["id"]]


# -- revocation ----------------------------------------------------------------------------------

def test_a_revocation_answers_the_consent_revoked_and_emits_the_revoked_event(intake, intake_context):
    consent = granted(intake, register(intake))
    answer = revoke(intake, consent["id"], {"revoked_on": days_ago(1)})
    assert (answer.status_code, answer.json["status"], answer.json["revocation"]["revoked_on"]) == (
        200, "revoked", days_ago(1))
    [event] = pending_events(intake_context, CONSENTS, "intake.consent.revoked")
    assert (event["payload"]["consent_id"], event["payload"]["revoked_on"]) == (consent["id"], days_ago(1))


def test_a_revocation_needs_no_body(intake):
    consent = granted(intake, register(intake))
    answer = intake.post(f"/v1/consents/{consent['id']}/revoke", headers=CLINICIAN)
    assert (answer.status_code, answer.json["revocation"]["revoked_on"]) == (200, days_ago(0))


def test_a_second_revocation_is_409_and_emits_nothing_more(intake, intake_context):
    consent = granted(intake, register(intake))
    revoke(intake, consent["id"])
    again = revoke(intake, consent["id"])
    assert (again.status_code, again.content_type) == (409, "application/problem+json")
    assert len(pending_events(intake_context, CONSENTS, "intake.consent.revoked")) == 1


def test_an_expired_consent_cannot_be_revoked(intake):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id, start_date=days_ago(28))
    consent = granted(intake, patient_id)
    discharge(intake, enrollment["id"], discharge_date=days_ago(1))
    assert revoke(intake, consent["id"]).status_code == 409


@pytest.mark.parametrize("days_back", [-1, 3], ids=["after-today", "before-signature"])
def test_a_revocation_after_today_or_before_the_signature_is_422(intake, days_back):
    consent = granted(intake, register(intake))
    answer = revoke(intake, consent["id"], {"revoked_on": days_ago(days_back)})
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["revoked_on"])


def test_a_retried_revocation_with_the_same_idempotency_key_replays_the_first_answer(intake, intake_context):
    consent = granted(intake, register(intake))
    headers = {**CLINICIAN, "Idempotency-Key": "revoke-1"}
    first, again = revoke(intake, consent["id"], headers=headers), revoke(intake, consent["id"], headers=headers)
    assert (again.status_code, again.json, again.headers["Idempotent-Replayed"]) == (200, first.json, "true")
    assert len(pending_events(intake_context, CONSENTS, "intake.consent.revoked")) == 1


def test_a_retried_grant_with_the_same_idempotency_key_records_one_consent(intake, intake_context):
    patient_id = register(intake)
    headers = {**CLINICIAN, "Idempotency-Key": "consent-1"}
    first, again = grant(intake, patient_id, headers=headers), grant(intake, patient_id, headers=headers)
    assert (again.status_code, again.json["id"]) == (201, first.json["id"])
    assert len(pending_events(intake_context, CONSENTS, "intake.consent.granted")) == 1


# -- sites and keys ------------------------------------------------------------------------------

def test_another_sites_patient_and_consent_are_404(intake, intake_context):
    patient_id = register(intake)
    consent = granted(intake, patient_id)
    assert grant(intake, patient_id, headers=OTHER_SITE).status_code == 404
    assert intake.get(f"/v1/patients/{patient_id}/consents", headers=OTHER_SITE).status_code == 404
    assert intake.get(f"/v1/consents/{consent['id']}", headers=OTHER_SITE).status_code == 404
    assert revoke(intake, consent["id"], headers=OTHER_SITE).status_code == 404
    assert [event["event_type"] for event in pending_events(intake_context, CONSENTS)] == ["intake.consent.granted"]


@pytest.mark.parametrize("method, path", [
    ("post", f"/v1/patients/{NO_SUCH_ID}/consents"), ("get", f"/v1/patients/{NO_SUCH_ID}/consents"),
    ("get", f"/v1/consents/{NO_SUCH_ID}"), ("post", f"/v1/consents/{NO_SUCH_ID}/revoke")])
def test_consents_need_a_clinicians_key(intake, method, path):
    assert getattr(intake, method)(path, json={}).status_code == 401
    assert getattr(intake, method)(path, json={}, headers=OPERATOR).status_code == 403


# -- the spec ------------------------------------------------------------------------------------

@pytest.fixture
def spec(intake):
    return intake.get("/openapi.json").json


@pytest.fixture
def allows(spec):
    """``allows(method, path, body)``: whether the served spec allows ``body``, as clients judge it."""
    def check(method: str, path: str, body) -> bool:
        schema = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        return jsonschema_rs.Draft4Validator({**schema, "components": spec["components"]}).is_valid(body)

    return check


def test_the_spec_documents_the_consent_operations(spec):
    assert {path: set(spec["paths"][path]) - {"parameters"} for path in (
        "/v1/patients/{patient_id}/consents", "/v1/consents/{consent_id}", "/v1/consents/{consent_id}/revoke")} == {
        "/v1/patients/{patient_id}/consents": {"get", "post"}, "/v1/consents/{consent_id}": {"get"},
        "/v1/consents/{consent_id}/revoke": {"post"}}


def test_each_documented_example_is_a_consent_the_api_records(intake, spec, allows):
    content = spec["paths"]["/v1/patients/{patient_id}/consents"]["post"]["requestBody"]["content"]
    examples = content["application/json"]["examples"]
    assert set(examples) == {"one_provider", "tpo", "other_purpose"}
    for number, (name, example) in enumerate(examples.items()):
        assert allows("post", "/v1/patients/{patient_id}/consents", example["value"]), name
        patient_id = register(intake, mrn=f"MRN-{number}")
        answer = intake.post(f"/v1/patients/{patient_id}/consents", json=example["value"], headers=CLINICIAN)
        assert answer.status_code == 201, (name, answer.json)


def test_the_consent_request_documents_each_2_31_element_with_an_example(spec):
    properties = spec["components"]["schemas"]["ConsentCreate"]["properties"]
    for field in ("scope", "recipient_id", "recipient_class", "purpose", "expires_on", "expiry_event", "signature"):
        assert "§2.31" in properties[field]["description"], field
    assert properties["purpose"]["enum"] == ["treatment", "payment", "health_care_operations", "other"]
    assert properties["scope"]["example"] and properties["purpose"]["example"]


@pytest.mark.parametrize("changes", [{}, {"recipient_id": None, "recipient_class": "tpo", "expiry_event": "none"},
                                     {"purpose": "other", "purpose_detail": "At my request."},
                                     {"scope": ["all_records"], "expiry_event": None, "expires_on": "2027-01-31"}])
def test_the_spec_allows_the_consents_the_api_records(intake, allows, changes):
    body = consent_body(**changes)
    assert allows("post", "/v1/patients/{patient_id}/consents", body)
    assert intake.post(f"/v1/patients/{register(intake)}/consents", json=body, headers=CLINICIAN).status_code == 201
