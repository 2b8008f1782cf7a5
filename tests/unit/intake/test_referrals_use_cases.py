"""Receiving referrals and moving them to admission or decline, on the in-memory store."""
from datetime import date

import pytest

from services.intake.store import ENROLLMENTS, PATIENTS, REFERRALS, referral_enrollment_id
from services.intake.use_cases import enrollments, referrals
from shared.errors import Conflict, IllegalTransition, Invalid, NotFound
from tests.in_memory import SITES
from tests.unit.intake.support import NOW, START, admit, events, register

PERSON = {"given_name": "Sam", "family_name": "Olsen", "birth_date": date(1985, 6, 30)}
ADMISSION = {"program": "mh-adult", "start_date": START}


def refer(store, cause, **fields) -> dict:
    body = {"source": "primary_care", "reason": "Low mood.", "urgency": "urgent", "contact_consent": True,
            "patient": PERSON, **fields}
    if "patient_id" in fields:
        del body["patient"]
    return referrals.receive(store, cause, body)


def move(store, cause, referral_id, to, **fields) -> dict:
    return referrals.move(store, cause, SITES.get(cause.site_id), referral_id, {"to": to, **fields})


def accepted(store, cause, **fields) -> dict:
    referral = refer(store, cause, **fields)
    move(store, cause, referral["_id"], "screening")
    return move(store, cause, referral["_id"], "accepted", **({} if "patient_id" in fields else {"mrn": "MRN-7"}))


def updates(store) -> list[tuple[str, str]]:
    return [(event["payload"]["previous_status"], event["payload"]["status"])
            for event in events(store, REFERRALS, "intake.referral.updated")]


# --- receiving ----------------------------------------------------------------------------

def test_a_received_referral_is_stored_with_typed_values_and_emits_received_without_the_person(store, cause):
    referral = refer(store, cause)
    stored = store.referrals.find_one({"_id": referral["_id"]})
    assert (stored["status"], stored["contact_consent"], stored["patient"]["birth_date"], stored["received_at"]) == (
        "received", True, date(1985, 6, 30), NOW)
    [event] = events(store, REFERRALS)
    assert (event["event_type"], event["payload"]) == ("intake.referral.received", {
        "referral_id": referral["_id"], "source": "primary_care", "urgency": "urgent", "patient_id": None})


def test_a_referral_of_an_unknown_patient_is_invalid_on_patient_id(store, cause):
    with pytest.raises(Invalid) as caught:
        refer(store, cause, patient_id="no-such-patient")
    assert list(caught.value.errors) == ["patient_id"]


# --- moving -------------------------------------------------------------------------------

def test_a_move_is_kept_in_the_history_and_emits_updated(store, cause):
    referral = refer(store, cause)
    moved = move(store, cause, referral["_id"], "screening")
    assert (moved["status"], moved["updated_at"]) == ("screening", NOW)
    assert [(change["from"], change["to"], change["at"]) for change in moved["status_history"]] == [
        (None, "received", NOW), ("received", "screening", NOW)]
    assert updates(store) == [("received", "screening")]


def test_skipping_screening_is_a_conflict_and_registers_nobody(store, cause):
    referral = refer(store, cause)
    with pytest.raises(IllegalTransition):
        move(store, cause, referral["_id"], "accepted", mrn="MRN-7")
    assert (store.referrals.find_one({"_id": referral["_id"]})["status"], events(store, PATIENTS)) == ("received", [])


def test_declining_keeps_the_reason_in_intake_only(store, cause):
    referral = refer(store, cause)
    declined = move(store, cause, referral["_id"], "declined", reason="Could not be reached.")
    assert declined["status_history"][-1]["reason"] == "Could not be reached."
    [event] = events(store, REFERRALS, "intake.referral.updated")
    assert "reason" not in event["payload"]


def test_declining_without_a_reason_is_invalid_and_changes_nothing(store, cause):
    referral = refer(store, cause)
    with pytest.raises(Invalid) as caught:
        move(store, cause, referral["_id"], "declined")
    assert (list(caught.value.errors), updates(store)) == (["reason"], [])


def test_another_sites_referral_cannot_be_moved(store, cause, other_site_cause):
    referral = refer(store, cause)
    with pytest.raises(NotFound):
        move(store, other_site_cause, referral["_id"], "screening")


# --- accepting ----------------------------------------------------------------------------

def test_accepting_registers_the_referred_person_and_names_the_patient(store, cause):
    referral = accepted(store, cause)
    patient = store.patients.find_one({"_id": referral["patient_id"]})
    assert (patient["mrn"], patient["family_name"], patient["birth_date"]) == ("MRN-7", "Olsen", date(1985, 6, 30))
    assert events(store, REFERRALS)[-1]["payload"]["patient_id"] == referral["patient_id"]
    assert len(events(store, PATIENTS, "intake.patient.registered")) == 1


def test_accepting_links_the_patient_already_registered_under_the_mrn(store, cause):
    patient = register(store, cause, mrn="MRN-7", birth_date=date(1985, 6, 30))
    assert accepted(store, cause)["patient_id"] == patient["_id"]
    assert len(events(store, PATIENTS)) == 1


def test_an_mrn_of_someone_born_on_another_day_is_a_conflict_and_links_nothing(store, cause):
    register(store, cause, mrn="MRN-7", birth_date=date(1970, 1, 1))
    referral = refer(store, cause)
    move(store, cause, referral["_id"], "screening")
    with pytest.raises(Conflict):
        move(store, cause, referral["_id"], "accepted", mrn="MRN-7")
    assert store.referrals.find_one({"_id": referral["_id"]})["patient_id"] is None


# --- admitting ----------------------------------------------------------------------------

def test_admitting_enrolls_the_patient_under_an_id_derived_from_the_referral(store, cause):
    referral = accepted(store, cause)
    admitted = move(store, cause, referral["_id"], "admitted", enrollment=ADMISSION)
    enrollment = store.enrollments.find_one({"_id": admitted["enrollment_id"]})
    assert (admitted["enrollment_id"], enrollment["patient_id"], enrollment["referral_id"]) == (
        referral_enrollment_id(referral["_id"]), referral["patient_id"], referral["_id"])
    assert events(store, REFERRALS)[-1]["payload"]["enrollment_id"] == admitted["enrollment_id"]


def test_an_admission_interrupted_before_the_referral_moved_completes_with_the_same_enrollment(store, cause, site):
    referral = accepted(store, cause)
    # The crash window: the enrollment was written, the referral's move was not.
    first = enrollments.admit_patient(store, cause, site, referral["patient_id"], ADMISSION,
                                      enrollment_id=referral_enrollment_id(referral["_id"]),
                                      referral_id=referral["_id"])
    admitted = move(store, cause, referral["_id"], "admitted", enrollment=ADMISSION)
    assert admitted["enrollment_id"] == first["_id"]
    assert len(events(store, ENROLLMENTS, "intake.enrollment.admitted")) == 1


def test_admitting_a_patient_already_active_in_the_program_is_a_conflict_and_leaves_the_referral_accepted(
        store, cause):
    patient = register(store, cause)
    admit(store, cause, patient["_id"])
    referral = accepted(store, cause, patient_id=patient["_id"])
    with pytest.raises(Conflict):
        move(store, cause, referral["_id"], "admitted", enrollment=ADMISSION)
    assert store.referrals.find_one({"_id": referral["_id"]})["status"] == "accepted"


def test_an_admission_sent_again_after_it_succeeded_is_a_conflict_and_enrolls_once(store, cause):
    referral = accepted(store, cause)
    move(store, cause, referral["_id"], "admitted", enrollment=ADMISSION)
    with pytest.raises(IllegalTransition):
        move(store, cause, referral["_id"], "admitted", enrollment=ADMISSION)
    assert len(events(store, ENROLLMENTS, "intake.enrollment.admitted")) == 1
