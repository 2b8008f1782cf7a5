"""Inbound referrals over HTTP: from received to admitted or declined."""
import pytest

from services.intake.store import ENROLLMENTS, PATIENTS, REFERRALS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, register

PERSON = {"given_name": "Sam", "family_name": "Olsen", "birth_date": "1985-06-30", "phone": "+1 612 555 0142"}
REASON = "Worsening depression after job loss."
ADMISSION = {"program": "mh-adult", "start_date": "2026-11-02"}


def refer(intake, headers=CLINICIAN, **fields) -> dict:
    body = {"source": "primary_care", "reason": REASON, "urgency": "urgent", "contact_consent": True,
            "patient": PERSON, **fields}
    if "patient_id" in fields:
        del body["patient"]
    answer = intake.post("/v1/referrals", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def move(intake, referral_id, to, headers=CLINICIAN, **fields):
    return intake.post(f"/v1/referrals/{referral_id}/transitions", json={"to": to, **fields}, headers=headers)


def move_to(intake, referral_id, *steps):
    """Take the referral through ``steps``, each a status or a (status, fields) pair."""
    for step in steps:
        to, fields = step if isinstance(step, tuple) else (step, {})
        answer = move(intake, referral_id, to, **fields)
        assert answer.status_code == 200, answer.json
    return answer.json


ACCEPTED = ("screening", ("accepted", {"mrn": "MRN-7"}))


def referral_events(intake_context):
    return [e for e in pending_events(intake_context, REFERRALS) if e["event_type"].startswith("intake.referral.")]


# --- receiving ----------------------------------------------------------------------------

def test_a_new_referral_is_received_with_what_the_referrer_said(intake):
    referral = refer(intake, patient={**PERSON, "mrn": "MRN-7"})
    assert (referral["status"], referral["source"], referral["urgency"], referral["reason"]) == (
        "received", "primary_care", "urgent", REASON)
    assert (referral["contact_consent"], referral["patient_id"], referral["enrollment_id"]) == (True, None, None)
    assert referral["patient"] == {**PERSON, "mrn": "MRN-7"}


def test_a_new_referral_emits_received_with_codes_and_no_reason_or_person(intake, intake_context):
    referral = refer(intake)
    [event] = referral_events(intake_context)
    assert (event["event_type"], event["payload"]) == ("intake.referral.received", {
        "referral_id": referral["id"], "source": "primary_care", "urgency": "urgent", "patient_id": None})


def test_an_existing_patient_can_be_referred_by_id(intake, intake_context):
    patient_id = register(intake)
    referral = refer(intake, patient_id=patient_id)
    assert (referral["patient_id"], referral["patient"]) == (patient_id, None)
    assert referral_events(intake_context)[0]["payload"]["patient_id"] == patient_id


def test_a_referral_without_consent_to_contact_says_so(intake):
    assert refer(intake, contact_consent=False)["contact_consent"] is False


@pytest.mark.parametrize("change, field", [
    ({"source": "friend"}, "source"),
    ({"urgency": "asap"}, "urgency"),
    ({"reason": ""}, "reason"),
    ({"contact_consent": "maybe"}, "contact_consent"),
    ({"patient": {**PERSON, "birth_date": "1985-02-30"}}, "patient.birth_date"),
    ({"patient": {**PERSON, "mrn": "MRN 7"}}, "patient.mrn"),
    ({"patient": {"given_name": "Sam"}}, "patient.family_name"),
    ({"patient_id": "c0ffee00-0000-4000-8000-000000000000"}, "patient"),
    ({"patient": None}, "patient"),
    ({"insurance": "BCBS"}, "insurance"),
])
def test_an_invalid_referral_is_422_on_the_field_and_stores_nothing(intake, intake_context, change, field):
    body = {"source": "primary_care", "reason": REASON, "urgency": "urgent", "contact_consent": True,
            "patient": PERSON, **change}
    answer = intake.post("/v1/referrals", json=body, headers=CLINICIAN)
    assert answer.status_code == 422
    assert field in answer.json["errors"]
    assert intake.get("/v1/referrals", headers=CLINICIAN).json == []


@pytest.mark.parametrize("missing", ["source", "reason", "urgency", "contact_consent"])
def test_a_referral_without_a_required_field_is_422_on_it(intake, missing):
    body = {"source": "primary_care", "reason": REASON, "urgency": "urgent", "contact_consent": True,
            "patient": PERSON}
    del body[missing]
    answer = intake.post("/v1/referrals", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [missing])


def test_a_referral_naming_neither_a_patient_nor_a_person_is_422_on_patient(intake):
    body = {"source": "self", "reason": REASON, "urgency": "routine", "contact_consent": True}
    answer = intake.post("/v1/referrals", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient"])


def test_a_referral_of_another_sites_patient_is_422_on_patient_id(intake):
    patient_id = register(intake, headers=OTHER_SITE)
    body = {"source": "self", "reason": REASON, "urgency": "routine", "contact_consent": True,
            "patient_id": patient_id}
    answer = intake.post("/v1/referrals", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient_id"])


# --- reading ------------------------------------------------------------------------------

def test_a_referral_is_read_by_id_with_its_history_after_a_move(intake):
    referral = refer(intake)
    move_to(intake, referral["id"], "screening")
    answer = intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN)
    assert (answer.status_code, answer.json["status"]) == (200, "screening")
    assert [(change["from"], change["to"]) for change in answer.json["status_history"]] == [
        (None, "received"), ("received", "screening")]
    assert answer.json["updated_at"] is not None


def test_referrals_are_listed_by_status(intake):
    screened, waiting = refer(intake), refer(intake)
    move_to(intake, screened["id"], "screening")
    listed = intake.get("/v1/referrals?status=received", headers=CLINICIAN).json
    assert [referral["id"] for referral in listed] == [waiting["id"]]


def test_referrals_are_listed_by_urgency(intake):
    emergent = refer(intake, urgency="emergent")
    refer(intake, urgency="routine")
    listed = intake.get("/v1/referrals?urgency=emergent", headers=CLINICIAN).json
    assert [referral["id"] for referral in listed] == [emergent["id"]]


def test_the_referral_list_is_paginated(intake):
    for _ in range(3):
        refer(intake)
    answer = intake.get("/v1/referrals?page=2&page_size=2", headers=CLINICIAN)
    assert len(answer.json) == 1
    assert '"total": 3' in answer.headers["X-Pagination"]


def test_an_unknown_status_filter_is_422_on_status(intake):
    answer = intake.get("/v1/referrals?status=pending", headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["status"])


def test_another_sites_referral_is_404_and_absent_from_lists(intake):
    referral = refer(intake)
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=OTHER_SITE).status_code == 404
    assert intake.get("/v1/referrals", headers=OTHER_SITE).json == []


def test_another_sites_referral_cannot_be_moved(intake):
    referral = refer(intake)
    assert move(intake, referral["id"], "screening", headers=OTHER_SITE).status_code == 404
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "received"


# --- moving -------------------------------------------------------------------------------

def test_each_move_emits_updated_with_the_previous_status_and_no_reason(intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], "screening")
    move(intake, referral["id"], "declined", reason="Chose a program closer to home.")
    updates = [e["payload"] for e in referral_events(intake_context) if e["event_type"] == "intake.referral.updated"]
    assert [(u["previous_status"], u["status"]) for u in updates] == [("received", "screening"),
                                                                      ("screening", "declined")]
    assert all("reason" not in update for update in updates)


def test_skipping_screening_is_409_and_changes_nothing(intake, intake_context):
    referral = refer(intake)
    answer = move(intake, referral["id"], "accepted", mrn="MRN-7")
    assert (answer.status_code, answer.content_type) == (409, "application/problem+json")
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "received"
    assert pending_events(intake_context, PATIENTS) == []


@pytest.mark.parametrize("to", ["received", "screening", "accepted", "admitted", "declined"])
def test_a_declined_referral_is_final(intake, to):
    referral = refer(intake)
    move(intake, referral["id"], "declined", reason="Could not be reached.")
    fields = {"admitted": {"enrollment": ADMISSION}, "accepted": {"mrn": "MRN-7"},
              "declined": {"reason": "again"}}.get(to, {})
    assert move(intake, referral["id"], to, **fields).status_code == 409


def test_declining_keeps_the_reason_in_the_history(intake):
    referral = refer(intake)
    declined = move(intake, referral["id"], "declined", reason="Could not be reached.").json
    assert (declined["status"], declined["status_history"][-1]["reason"]) == ("declined", "Could not be reached.")


def test_declining_without_a_reason_is_422_on_reason(intake):
    referral = refer(intake)
    answer = move(intake, referral["id"], "declined")
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["reason"])


def test_an_accepted_referral_can_still_be_declined(intake):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED)
    assert move(intake, referral["id"], "declined", reason="Coverage refused.").json["status"] == "declined"


@pytest.mark.parametrize("body, field", [
    ({"to": "pending"}, "to"),
    ({}, "to"),
    ({"to": "screening", "mrn": "MRN-7"}, "mrn"),
    ({"to": "screening", "enrollment": ADMISSION}, "enrollment"),
    ({"to": "screening", "note": "called"}, "note"),
])
def test_an_invalid_transition_body_is_422_on_the_field(intake, body, field):
    referral = refer(intake)
    answer = intake.post(f"/v1/referrals/{referral['id']}/transitions", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


# --- accepting: the person becomes a patient ------------------------------------------------

def test_accepting_registers_the_referred_person_as_a_patient(intake, intake_context):
    referral = refer(intake)
    accepted = move_to(intake, referral["id"], *ACCEPTED)
    patient = intake.get(f"/v1/patients/{accepted['patient_id']}", headers=CLINICIAN).json
    assert {key: patient[key] for key in ("mrn", *PERSON)} == {"mrn": "MRN-7", **PERSON}
    [registered] = pending_events(intake_context, PATIENTS, "intake.patient.registered")
    assert registered["payload"] == {"patient_id": accepted["patient_id"]}


def test_the_acceptance_event_names_the_patient(intake, intake_context):
    referral = refer(intake)
    accepted = move_to(intake, referral["id"], *ACCEPTED)
    last = referral_events(intake_context)[-1]
    assert (last["payload"]["status"], last["payload"]["patient_id"]) == ("accepted", accepted["patient_id"])


def test_accepting_uses_the_mrn_the_referrer_gave(intake):
    referral = refer(intake, patient={**PERSON, "mrn": "MRN-8"})
    accepted = move_to(intake, referral["id"], "screening", "accepted")
    assert intake.get(f"/v1/patients/{accepted['patient_id']}", headers=CLINICIAN).json["mrn"] == "MRN-8"


def test_accepting_links_the_patient_already_registered_under_the_mrn(intake, intake_context):
    patient_id = register(intake, mrn="MRN-7", birth_date=PERSON["birth_date"])
    referral = refer(intake)
    accepted = move_to(intake, referral["id"], *ACCEPTED)
    assert accepted["patient_id"] == patient_id
    assert len(pending_events(intake_context, PATIENTS, "intake.patient.registered")) == 1


def test_an_mrn_registered_to_someone_born_on_another_day_is_409_and_links_nothing(intake):
    register(intake, mrn="MRN-7", birth_date="1970-01-01")
    referral = refer(intake)
    move_to(intake, referral["id"], "screening")
    answer = move(intake, referral["id"], "accepted", mrn="MRN-7")
    assert answer.status_code == 409
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["patient_id"] is None


def test_an_mrn_used_only_at_another_site_registers_a_new_patient_here(intake):
    other_sites_patient = register(intake, mrn="MRN-7", headers=OTHER_SITE, birth_date=PERSON["birth_date"])
    referral = refer(intake)
    accepted = move_to(intake, referral["id"], *ACCEPTED)
    assert accepted["patient_id"] != other_sites_patient


def test_accepting_a_person_without_an_mrn_needs_one_on_mrn(intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], "screening")
    answer = move(intake, referral["id"], "accepted")
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["mrn"])
    assert pending_events(intake_context, PATIENTS) == []


def test_accepting_with_an_mrn_other_than_the_referrers_is_422_on_mrn(intake):
    referral = refer(intake, patient={**PERSON, "mrn": "MRN-8"})
    move_to(intake, referral["id"], "screening")
    answer = move(intake, referral["id"], "accepted", mrn="MRN-9")
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["mrn"])


def test_accepting_a_referral_of_an_existing_patient_registers_nobody(intake, intake_context):
    patient_id = register(intake)
    referral = refer(intake, patient_id=patient_id)
    accepted = move_to(intake, referral["id"], "screening", "accepted")
    assert accepted["patient_id"] == patient_id
    assert len(pending_events(intake_context, PATIENTS, "intake.patient.registered")) == 1


def test_an_acceptance_retried_with_the_same_idempotency_key_registers_one_patient(intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], "screening")
    headers = {**CLINICIAN, "Idempotency-Key": "accept-1"}
    first = move(intake, referral["id"], "accepted", headers=headers, mrn="MRN-7")
    again = move(intake, referral["id"], "accepted", headers=headers, mrn="MRN-7")
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert len(pending_events(intake_context, PATIENTS, "intake.patient.registered")) == 1


# --- admitting: the patient is enrolled ---------------------------------------------------

def test_admitting_enrolls_the_patient_and_links_the_enrollment(intake, intake_context):
    referral = refer(intake)
    admitted = move_to(intake, referral["id"], *ACCEPTED, ("admitted", {"enrollment": ADMISSION}))
    enrollment = intake.get(f"/v1/enrollments/{admitted['enrollment_id']}", headers=CLINICIAN).json
    assert (admitted["status"], enrollment["status"], enrollment["patient_id"], enrollment["referral_id"]) == (
        "admitted", "active", admitted["patient_id"], referral["id"])
    assert (enrollment["program"], enrollment["start_date"], enrollment["planned_end_date"]) == (
        "mh-adult", "2026-11-02", "2026-12-27")


def test_admitting_emits_admitted_and_the_referral_update(intake, intake_context):
    referral = refer(intake)
    admitted = move_to(intake, referral["id"], *ACCEPTED, ("admitted", {"enrollment": ADMISSION}))
    [enrollment_event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.admitted")
    assert enrollment_event["payload"]["enrollment_id"] == admitted["enrollment_id"]
    last = referral_events(intake_context)[-1]["payload"]
    assert (last["status"], last["enrollment_id"]) == ("admitted", admitted["enrollment_id"])


def test_admitting_applies_the_rules_of_any_admission(intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED)
    answer = move(intake, referral["id"], "admitted", enrollment={**ADMISSION, "planned_weeks": 30})
    # The program's bounds (mh-adult: 4 to 26 weeks), named where they were sent.
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["enrollment.planned_weeks"])
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "accepted"


def test_admitting_to_a_program_not_in_the_sites_catalog_is_422_on_enrollment_program(intake):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED)
    answer = move(intake, referral["id"], "admitted", enrollment={**ADMISSION, "program": "residential"})
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["enrollment.program"])
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "accepted"


def test_admitting_a_patient_already_active_in_the_program_is_409_and_leaves_the_referral_accepted(intake):
    patient_id = register(intake)
    admit(intake, patient_id, start_date=days_ago(7))
    referral = refer(intake, patient_id=patient_id)
    move_to(intake, referral["id"], "screening", "accepted")
    assert move(intake, referral["id"], "admitted", enrollment=ADMISSION).status_code == 409
    assert intake.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "accepted"


def test_admitting_without_the_enrollment_is_422_on_enrollment(intake):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED)
    answer = move(intake, referral["id"], "admitted")
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["enrollment"])


def test_an_admission_sent_again_after_it_succeeded_is_409_and_enrolls_once(intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED, ("admitted", {"enrollment": ADMISSION}))
    assert move(intake, referral["id"], "admitted", enrollment=ADMISSION).status_code == 409
    assert len(pending_events(intake_context, ENROLLMENTS, "intake.enrollment.admitted")) == 1


def test_an_admission_interrupted_before_the_referral_moved_completes_with_the_same_enrollment(
        intake, intake_context):
    referral = refer(intake)
    move_to(intake, referral["id"], *ACCEPTED)
    # The crash window: the enrollment was written, the referral's move was not.
    first = move(intake, referral["id"], "admitted", enrollment=ADMISSION).json
    intake_context.db[REFERRALS].update_one({"_id": referral["id"]},
                                            {"$set": {"status": "accepted", "enrollment_id": None}})
    retried = move(intake, referral["id"], "admitted", enrollment=ADMISSION)
    assert (retried.status_code, retried.json["enrollment_id"]) == (200, first["enrollment_id"])
    assert len(pending_events(intake_context, ENROLLMENTS, "intake.enrollment.admitted")) == 1
