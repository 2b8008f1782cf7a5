"""Registering patients and changing their demographics, on the in-memory store."""
from datetime import date

import pytest

from services.intake.store import PATIENTS
from services.intake.use_cases import patients
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.intake.support import ALEX, NOW, events, register


def test_a_registered_patient_is_stored_at_the_causes_site_with_typed_dates(store, cause):
    patient = register(store, cause)
    stored = store.patients.find_one({"_id": patient["_id"]})
    assert (stored["site_id"], stored["mrn"], stored["birth_date"], stored["created_at"], stored["created_by"]) == (
        "mpls", "MRN-1", date(1990, 4, 12), NOW, "clinician-key")


def test_registration_emits_patient_registered_with_the_id_only(store, cause):
    patient = register(store, cause)
    [event] = events(store, PATIENTS)
    assert (event["event_type"], event["payload"], event["correlation_id"]) == (
        "intake.patient.registered", {"patient_id": patient["_id"]}, "request-1")


def test_an_mrn_already_registered_at_the_site_is_a_conflict_and_registers_nobody(store, cause):
    register(store, cause)
    with pytest.raises(Conflict):
        register(store, cause, given_name="Sam")
    assert len(events(store, PATIENTS, "intake.patient.registered")) == 1


def test_the_same_mrn_may_be_registered_at_another_site(store, cause, other_site_cause):
    register(store, cause)
    assert register(store, other_site_cause)["site_id"] == "stpaul"


def test_an_update_changes_demographics_and_the_name_searched(store, cause):
    patient = register(store, cause)
    updated = patients.update(store, cause, patient["_id"], {"family_name": "Olsen"})
    assert (updated["family_name"], updated["family_name_folded"], updated["updated_at"]) == ("Olsen", "olsen", NOW)
    assert [p["_id"] for p in store.patients.find(patients.matching("mpls", name="OLS"))] == [patient["_id"]]


def test_an_update_to_an_mrn_registered_to_another_patient_is_a_conflict_and_changes_nothing(store, cause):
    register(store, cause, mrn="MRN-1")
    patient = register(store, cause, mrn="MRN-2")
    with pytest.raises(Conflict):
        patients.update(store, cause, patient["_id"], {"mrn": "MRN-1"})
    assert store.patients.find_one({"_id": patient["_id"]})["mrn"] == "MRN-2"


def test_another_sites_patient_cannot_be_updated(store, cause, other_site_cause):
    patient = register(store, cause)
    with pytest.raises(NotFound):
        patients.update(store, other_site_cause, patient["_id"], {"family_name": "Olsen"})


def test_a_name_prefix_is_matched_literally(store, cause):
    register(store, cause)
    assert store.patients.find(patients.matching("mpls", name=".*")) == []


def test_an_unknown_patient_named_in_a_request_body_is_invalid_on_patient_id(store, cause, other_site_cause):
    patient = register(store, other_site_cause)
    with pytest.raises(Invalid) as caught:
        patients.require_patient(store, "mpls", patient["_id"])
    assert list(caught.value.errors) == ["patient_id"]


def test_find_or_register_finds_the_patient_registered_under_the_mrn(store, cause):
    patient = register(store, cause)
    assert patients.find_or_register(store, cause, {**ALEX, "given_name": "Sam"})["_id"] == patient["_id"]
    assert len(events(store, PATIENTS)) == 1
