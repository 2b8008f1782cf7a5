"""What the spec says a request may be is what intake accepts (issue 14, schemathesis): each body the
served spec refuses is a 422 naming the field and changes nothing, and each body it allows gets past
the request checks. Found by fuzzing: a group_id the event contract refuses was a 500."""
import jsonschema_rs
import pytest

from services.intake.store import ENROLLMENTS, PATIENTS
from tests.conftest import CLINICIAN, pending_events
from tests.integration.intake.helpers import days_ago, register

ADMISSION = {"program": "mh-adult", "start_date": "2026-11-02"}
REFERRAL = {"source": "self", "reason": "Low mood.", "urgency": "routine", "contact_consent": True}
PERSON = {"given_name": "Sam", "family_name": "Olsen", "birth_date": "1985-06-30"}
NO_SUCH_ID = "5d2c7a10-6b3e-4f8a-9c1d-2e3f4a5b6c7d"


@pytest.fixture
def allows(intake):
    """``allows(method, path, body)``: whether the served spec allows ``body`` for that operation, judged
    as schemathesis and clients judge it (ECMA patterns: ``$`` is the end, not before a final newline)."""
    spec = intake.get("/openapi.json").json

    def check(method: str, path: str, body) -> bool:
        schema = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        return jsonschema_rs.Draft4Validator({**schema, "components": spec["components"]}).is_valid(body)

    return check


@pytest.mark.parametrize("change, field", [
    ({"group_id": ""}, "group_id"),  # was a 500: the admitted event refused it after the checks
    ({"group_id": "group 1"}, "group_id"),
    # The spec's pattern (ECMA) ends at the end, not before a newline.
    ({"group_id": "5d6c2b1a-0e9f-4a8b-9c7d-6e5f4a3b2c1d\n"}, "group_id"),
    ({"group_id": "group-1"}, "group_id"),  # every group id is a UUID: the answer says format uuid
    ({"level_of_care": "2.1 (high)"}, "level_of_care"),
    ({"level_of_care": "x" * 17}, "level_of_care"),
    ({"planned_weeks": 0}, "planned_weeks"),
    ({"planned_weeks": 53}, "planned_weeks"),
    ({"program": "mh adult"}, "program"),
    ({"patient_id": ""}, "patient_id"),
])
def test_an_admission_the_spec_refuses_is_422_on_the_field_and_admits_nobody(intake, intake_context, allows,
                                                                             change, field):
    body = {"patient_id": register(intake), **ADMISSION, **change}
    assert not allows("post", "/v1/enrollments", body)
    answer = intake.post("/v1/enrollments", json=body, headers=CLINICIAN)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", [field])
    assert pending_events(intake_context, ENROLLMENTS) == []


@pytest.mark.parametrize("change", [{"group_id": "3f0e8a52-9c1b-4d7a-a1e2-5b6c7d8e9f01"}, {"level_of_care": "2.1"},
                                    {"planned_weeks": 4}, {"planned_weeks": 26}])
def test_an_admission_the_spec_allows_is_admitted(intake, allows, change):
    body = {"patient_id": register(intake), **ADMISSION, **change}
    assert allows("post", "/v1/enrollments", body)
    assert intake.post("/v1/enrollments", json=body, headers=CLINICIAN).status_code == 201


def test_a_length_change_outside_every_programs_bounds_is_refused_by_the_spec_too(intake, allows):
    assert not allows("post", "/v1/enrollments/{enrollment_id}/planned-length", {"planned_weeks": 53})
    answer = intake.post(f"/v1/enrollments/{NO_SUCH_ID}/planned-length", json={"planned_weeks": 53}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["planned_weeks"])


@pytest.mark.parametrize("send", [{}, {"json": {}}], ids=["no body", "empty object"])
def test_a_patient_update_that_changes_nothing_is_422_and_leaves_the_patient_as_it_was(
        intake, intake_context, allows, send):
    patient_id = register(intake)
    before = intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN).json
    assert not allows("patch", "/v1/patients/{patient_id}", {})
    answer = intake.patch(f"/v1/patients/{patient_id}", headers=CLINICIAN, **send)
    assert (answer.status_code, answer.json["errors"]) == (422, {"_request": ["Give at least one field to change."]})
    assert intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN).json == before
    assert len(pending_events(intake_context, PATIENTS)) == 1  # the registration's only


@pytest.mark.parametrize("change", [{"mrn": "MRN-2\n"}, {"phone": "+1 612 555 0100\n"}])
def test_a_patterned_field_with_a_final_newline_is_refused_as_its_pattern_says(intake, allows, change):
    patient_id = register(intake)
    assert not allows("patch", "/v1/patients/{patient_id}", change)
    answer = intake.patch(f"/v1/patients/{patient_id}", json=change, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, list(change))


def test_a_patient_update_of_one_field_is_allowed_by_the_spec(intake, allows):
    patient_id = register(intake)
    assert allows("patch", "/v1/patients/{patient_id}", {"phone": "+1 612 555 0100"})
    assert intake.patch(f"/v1/patients/{patient_id}", json={"phone": "+1 612 555 0100"},
                        headers=CLINICIAN).status_code == 200


@pytest.mark.parametrize("who, allowed", [
    ({"patient": PERSON}, True),
    ({"patient_id": NO_SUCH_ID}, True),  # allowed in shape; an unknown patient is the use case's 422
    ({}, False),
    ({"patient": PERSON, "patient_id": NO_SUCH_ID}, False),
])
def test_the_spec_says_a_referral_names_the_person_exactly_once(intake, allows, who, allowed):
    assert allows("post", "/v1/referrals", {**REFERRAL, **who}) is allowed
    answer = intake.post("/v1/referrals", json={**REFERRAL, **who}, headers=CLINICIAN)
    if allowed:
        assert answer.status_code == 201 or list(answer.json["errors"]) == ["patient_id"]
    else:
        assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient"])


@pytest.mark.parametrize("body, allowed", [
    ({"to": "screening"}, True),
    ({"to": "accepted", "mrn": "MRN-7"}, True),
    ({"to": "admitted", "enrollment": ADMISSION}, True),
    ({"to": "declined", "reason": "Chose a program closer to home."}, True),
    ({"to": "admitted"}, False),
    ({"to": "accepted", "enrollment": ADMISSION}, False),
    ({"to": "screening", "mrn": "MRN-7"}, False),
    ({"to": "admitted", "enrollment": ADMISSION, "mrn": "MRN-7"}, False),
    ({"to": "declined"}, False),
    ({"to": "declined", "reason": "   "}, False),
])
def test_the_spec_says_which_fields_fit_which_move(intake, allows, body, allowed):
    assert allows("post", "/v1/referrals/{referral_id}/transitions", body) is allowed
    answer = intake.post(f"/v1/referrals/{NO_SUCH_ID}/transitions", json=body, headers=CLINICIAN)
    # The body is checked before the referral is looked up; a decline's reason once the move is allowed.
    expected = 404 if allowed or body["to"] == "declined" else 422
    assert answer.status_code == expected


@pytest.mark.parametrize("instrument, items, allowed", [
    ("PHQ-9", [0] * 9, True),
    ("GAD-7", [3] * 7, True),
    ("PHQ-9", [0] * 7, False),
    ("GAD-7", [0] * 9, False),
    ("PHQ-9", [0] * 8 + [4], False),
])
def test_the_spec_says_how_many_items_each_instrument_has(intake, allows, instrument, items, allowed):
    patient_id = register(intake)
    body = {"instrument": instrument, "item_scores": items, "administered_at": f"{days_ago(1)}T09:30:00-06:00"}
    assert allows("post", "/v1/patients/{patient_id}/assessments", body) is allowed
    answer = intake.post(f"/v1/patients/{patient_id}/assessments", json=body, headers=CLINICIAN)
    assert answer.status_code == (201 if allowed else 422)
