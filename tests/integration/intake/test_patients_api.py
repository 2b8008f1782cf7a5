"""Patients over HTTP: registration, demographics, lookup, and one MRN per site."""
from datetime import timedelta

import pytest

from services.intake.store import PATIENTS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.intake.helpers import register, site_today

ALEX = {"mrn": "MRN-1", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}


def test_a_registered_patient_is_answered_with_its_id_and_demographics(intake):
    answer = intake.post("/v1/patients", json={**ALEX, "phone": "+1 612 555 0100", "email": "alex@example.org"},
                         headers=CLINICIAN)
    assert answer.status_code == 201
    assert {key: answer.json[key] for key in (*ALEX, "phone", "email")} == {
        **ALEX, "phone": "+1 612 555 0100", "email": "alex@example.org"}
    assert answer.json["id"]


def test_registration_emits_patient_registered_with_the_id_only(intake, intake_context):
    patient_id = register(intake)
    [event] = pending_events(intake_context, PATIENTS, "intake.patient.registered")
    assert (event["payload"], event["site_id"]) == ({"patient_id": patient_id}, "mpls")


def test_an_mrn_already_used_at_the_site_is_409_and_registers_nobody(intake, intake_context):
    register(intake, mrn="MRN-1")
    again = intake.post("/v1/patients", json={**ALEX, "given_name": "Sam"}, headers=CLINICIAN)
    assert (again.status_code, again.content_type) == (409, "application/problem+json")
    assert len(pending_events(intake_context, PATIENTS, "intake.patient.registered")) == 1


def test_the_same_mrn_may_be_used_at_another_site(intake):
    register(intake, mrn="MRN-1")
    assert intake.post("/v1/patients", json=ALEX, headers=OTHER_SITE).status_code == 201


@pytest.mark.parametrize("change, field", [
    ({"mrn": "MRN 1"}, "mrn"),
    ({"mrn": None}, "mrn"),
    ({"given_name": ""}, "given_name"),
    ({"family_name": "x" * 101}, "family_name"),
    ({"birth_date": "1990-02-30"}, "birth_date"),
    ({"birth_date": "12/04/1990"}, "birth_date"),
    ({"birth_date": "1899-12-31"}, "birth_date"),
    ({"birth_date": (site_today() + timedelta(days=2)).isoformat()}, "birth_date"),
    ({"phone": "call me"}, "phone"),
    ({"email": "alex.example.org"}, "email"),
    ({"ssn": "123-45-6789"}, "ssn"),
])
def test_an_invalid_registration_is_422_on_the_field(intake, change, field):
    answer = intake.post("/v1/patients", json={**ALEX, **change}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


@pytest.mark.parametrize("missing", ["mrn", "given_name", "family_name", "birth_date"])
def test_a_registration_without_a_required_field_is_422_on_it(intake, missing):
    body = {key: value for key, value in ALEX.items() if key != missing}
    answer = intake.post("/v1/patients", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [missing])


def test_a_patient_is_read_by_id(intake):
    patient_id = register(intake)
    answer = intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN)
    assert (answer.status_code, answer.json["id"], answer.json["mrn"]) == (200, patient_id, "MRN-1")


def test_another_sites_patient_is_404(intake):
    patient_id = register(intake)
    assert intake.get(f"/v1/patients/{patient_id}", headers=OTHER_SITE).status_code == 404


def test_patients_are_found_by_exact_mrn(intake):
    wanted = register(intake, mrn="MRN-1")
    register(intake, mrn="MRN-10")
    assert [patient["id"] for patient in intake.get("/v1/patients?mrn=MRN-1", headers=CLINICIAN).json] == [wanted]


def test_patients_are_found_by_family_name_prefix_whatever_the_case(intake):
    wanted = register(intake, mrn="MRN-1", family_name="Rivera")
    register(intake, mrn="MRN-2", family_name="Olsen")
    listed = intake.get("/v1/patients?name=riv", headers=CLINICIAN).json
    assert [patient["id"] for patient in listed] == [wanted]


def test_a_name_prefix_is_matched_literally_not_as_a_pattern(intake):
    register(intake, mrn="MRN-1", family_name="Rivera")
    assert intake.get("/v1/patients?name=.*", headers=CLINICIAN).json == []


def test_the_patient_list_is_paginated(intake):
    for number in range(3):
        register(intake, mrn=f"MRN-{number}", family_name=f"Rivera{number}")
    answer = intake.get("/v1/patients?page=2&page_size=2", headers=CLINICIAN)
    assert [patient["family_name"] for patient in answer.json] == ["Rivera2"]
    assert '"total": 3' in answer.headers["X-Pagination"]


def test_another_sites_patients_are_not_listed(intake):
    register(intake)
    assert intake.get("/v1/patients?mrn=MRN-1", headers=OTHER_SITE).json == []


def test_demographics_are_updated_and_the_name_search_follows(intake):
    patient_id = register(intake)
    answer = intake.patch(f"/v1/patients/{patient_id}", json={"family_name": "Olsen", "phone": "+1 612 555 0199"},
                          headers=CLINICIAN)
    assert (answer.status_code, answer.json["family_name"], answer.json["phone"]) == (200, "Olsen", "+1 612 555 0199")
    assert [patient["id"] for patient in intake.get("/v1/patients?name=ols", headers=CLINICIAN).json] == [patient_id]


def test_an_update_to_an_mrn_used_by_another_patient_at_the_site_is_409_and_changes_nothing(intake):
    register(intake, mrn="MRN-1")
    patient_id = register(intake, mrn="MRN-2")
    answer = intake.patch(f"/v1/patients/{patient_id}", json={"mrn": "MRN-1"}, headers=CLINICIAN)
    assert answer.status_code == 409
    assert intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN).json["mrn"] == "MRN-2"


def test_an_update_to_an_mrn_used_only_at_another_site_is_allowed(intake):
    register(intake, mrn="MRN-1", headers=OTHER_SITE)
    patient_id = register(intake, mrn="MRN-2")
    assert intake.patch(f"/v1/patients/{patient_id}", json={"mrn": "MRN-1"}, headers=CLINICIAN).status_code == 200


def test_an_update_with_an_invalid_birth_date_is_422_on_it(intake):
    patient_id = register(intake)
    answer = intake.patch(f"/v1/patients/{patient_id}", json={"birth_date": "1990-13-01"}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["birth_date"])


def test_another_sites_patient_cannot_be_updated(intake):
    patient_id = register(intake)
    answer = intake.patch(f"/v1/patients/{patient_id}", json={"family_name": "Olsen"}, headers=OTHER_SITE)
    assert answer.status_code == 404
    assert intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN).json["family_name"] == "Rivera"
