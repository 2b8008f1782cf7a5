"""The discharge reconciliation over HTTP, after the worker's handler has seen the completion."""
from flask import request

from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.aftercare.network import serving, stand_in
from tests.integration.medication.conftest import SITE, deliver, discharge_event, known_patient, prescribe


def completed_with_orders(medication, medication_context):
    """A patient with one order adjusted today and one discontinued, whose enrollment completed today."""
    patient_id = known_patient(medication_context)
    kept = prescribe(medication, patient_id, medication="Sertraline", dose="50 mg", rxnorm="36437")
    medication.post(f"/v1/orders/{kept['id']}/adjustments", json={"dose": "100 mg", "reason": "partial response"},
                    headers=CLINICIAN)
    stopped = prescribe(medication, patient_id, medication="Quetiapine")
    medication.post(f"/v1/orders/{stopped['id']}/discontinue", json={"reason": "sedation"}, headers=CLINICIAN)
    event = discharge_event(patient_id, discharge_date=medication_context.sites.get(SITE).today())
    deliver(medication_context, event)
    return event.payload["enrollment_id"], kept


def test_after_completion_the_reconciliation_lists_active_orders_at_current_doses(medication, medication_context):
    enrollment_id, kept = completed_with_orders(medication, medication_context)
    answer = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN)
    [reconciliation] = answer.json
    assert (reconciliation["enrollment_id"], reconciliation["patient_id"]) == (enrollment_id, kept["patient_id"])
    assert [(entry["order_id"], entry["medication"], entry["dose"]) for entry in reconciliation["medications"]] == [
        (kept["id"], "Sertraline", "100 mg")]
    assert reconciliation["completed_at"]


def test_a_reconciliation_marks_a_dose_changed_on_the_discharge_day_as_recent(medication, medication_context):
    enrollment_id, _ = completed_with_orders(medication, medication_context)
    [reconciliation] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    [entry] = reconciliation["medications"]
    assert entry["recently_changed"] is True
    assert (entry["last_change"]["from_dose"], entry["last_change"]["to_dose"]) == ("50 mg", "100 mg")


def test_one_reconciliation_is_read_by_its_id(medication, medication_context):
    enrollment_id, _ = completed_with_orders(medication, medication_context)
    [listed] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    assert medication.get(f"/v1/reconciliations/{listed['id']}", headers=CLINICIAN).json == listed


def test_the_printable_list_is_plain_text_for_the_next_prescriber(medication, medication_context):
    enrollment_id, kept = completed_with_orders(medication, medication_context)
    [listed] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    answer = medication.get(f"/v1/reconciliations/{listed['id']}/print", headers=CLINICIAN)
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    active, stopped = text.split("Stopped during the program")
    assert "* Sertraline 100 mg, oral, once daily" in active and "Quetiapine" not in active
    assert "Quetiapine" in stopped


def test_another_sites_reconciliation_answers_404_and_is_not_listed(medication, medication_context):
    enrollment_id, _ = completed_with_orders(medication, medication_context)
    [listed] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    assert medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=OTHER_SITE).json == []
    assert medication.get(f"/v1/reconciliations/{listed['id']}", headers=OTHER_SITE).status_code == 404
    assert medication.get(f"/v1/reconciliations/{listed['id']}/print", headers=OTHER_SITE).status_code == 404


def printing_app(medication_context, url):
    from services.medication.app import create_app

    return create_app(config={"TESTING": True, "GATEWAY_URL": url}, context=medication_context).test_client()


def test_the_printed_list_names_the_patient_as_intake_answers_the_caller(medication, medication_context):
    enrollment_id, kept = completed_with_orders(medication, medication_context)
    [listed] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    seen = []
    intake = stand_in("intake", {f"/v1/patients/{kept['patient_id']}": lambda: seen.append(
        request.headers.get("Authorization")) or {"id": kept["patient_id"], "mrn": "MRN-1001", "given_name": "Alex",
                                                  "family_name": "Rivera", "birth_date": "1990-04-12"}})
    with serving({"/intake": intake}) as url:
        text = printing_app(medication_context, url).get(f"/v1/reconciliations/{listed['id']}/print",
                                                         headers=CLINICIAN).get_data(as_text=True)
    assert "Site: Minneapolis IOP\nPatient: Rivera, Alex; born 1990-04-12; MRN MRN-1001\n" in text
    assert seen == [CLINICIAN["Authorization"]]


def test_the_printed_list_says_so_when_intake_cannot_be_read(medication, medication_context):
    enrollment_id, kept = completed_with_orders(medication, medication_context)
    [listed] = medication.get(f"/v1/reconciliations?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    with serving({}) as url:
        answer = printing_app(medication_context, url).get(f"/v1/reconciliations/{listed['id']}/print",
                                                           headers=CLINICIAN)
    assert answer.status_code == 200
    assert f"Patient: {kept['patient_id']} (name not available: intake answered 404)" in answer.get_data(as_text=True)
