"""Orders over HTTP: prescription, adjustments with their history, discontinuation, the patient's
list, refusals field by field, and site isolation. Events are read from the outbox."""
from services.medication.store import ORDERS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.medication.conftest import OTHER_SITE_ID, known_patient, order_body, prescribe


def adjust(client, order_id, dose="100 mg", reason="partial response", headers=CLINICIAN):
    return client.post(f"/v1/orders/{order_id}/adjustments", json={"dose": dose, "reason": reason}, headers=headers)


def discontinue(client, order_id, reason="sedation", headers=CLINICIAN):
    return client.post(f"/v1/orders/{order_id}/discontinue", json={"reason": reason}, headers=headers)


# --- prescription ---------------------------------------------------------------------------

def test_an_order_for_a_known_patient_is_created_active(medication, medication_context):
    patient_id = known_patient(medication_context)
    answer = medication.post("/v1/orders", json=order_body(patient_id, rxnorm="36437", indication="depression"),
                             headers=CLINICIAN)
    assert answer.status_code == 201
    shown = ("patient_id", "medication", "dose", "start_date", "rxnorm", "status")
    assert {key: answer.json[key] for key in shown} == {
        "patient_id": patient_id, "medication": "Sertraline", "dose": "50 mg", "start_date": "2026-01-05",
        "rxnorm": "36437", "status": "active"}


def test_creating_an_order_emits_order_created_with_ids_status_and_code_only(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context), rxnorm="36437")
    [created] = pending_events(medication_context, ORDERS, "medication.order.created")
    assert created["payload"] == {"order_id": order["id"], "patient_id": order["patient_id"],
                                  "rxnorm": "36437", "status": "active"}


def test_an_order_missing_fields_is_refused_field_by_field(medication, medication_context):
    body = {key: value for key, value in order_body(known_patient(medication_context)).items()
            if key not in ("dose", "route")}
    answer = medication.post("/v1/orders", json=body, headers=CLINICIAN)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert set(answer.json["errors"]) == {"dose", "route"}


def test_an_order_with_a_malformed_rxnorm_code_is_refused_on_that_field(medication, medication_context):
    answer = medication.post("/v1/orders", json=order_body(known_patient(medication_context), rxnorm="RX-12"),
                             headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"rxnorm"}


def test_an_order_with_an_unknown_field_is_refused(medication, medication_context):
    answer = medication.post("/v1/orders", json=order_body(known_patient(medication_context), colour="blue"),
                             headers=CLINICIAN)
    assert answer.status_code == 422
    assert "colour" in answer.json["errors"]


def test_an_order_for_a_patient_not_known_here_is_refused_on_patient_id(medication):
    answer = medication.post("/v1/orders", json=order_body("never-registered"), headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"patient_id"}


def test_an_order_for_another_sites_patient_is_refused_on_patient_id(medication, medication_context):
    other_sites_patient = known_patient(medication_context, OTHER_SITE_ID)
    answer = medication.post("/v1/orders", json=order_body(other_sites_patient), headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"patient_id"}


def test_a_refused_order_stores_nothing_and_emits_nothing(medication, medication_context):
    medication.post("/v1/orders", json=order_body("never-registered"), headers=CLINICIAN)
    assert medication_context.db[ORDERS].count_documents({}) == 0


# --- adjustments and their history ----------------------------------------------------------

def test_an_adjustment_changes_the_dose_and_keeps_what_when_who_and_why(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context), dose="50 mg")
    answer = adjust(medication, order["id"], dose="100 mg", reason="partial response")
    assert (answer.status_code, answer.json["dose"]) == (200, "100 mg")
    [change] = answer.json["history"]
    assert {key: change[key] for key in ("action", "from_dose", "to_dose", "reason", "by")} == {
        "action": "adjusted", "from_dose": "50 mg", "to_dose": "100 mg", "reason": "partial response",
        "by": "Minneapolis front-end"}
    assert change["at"]


def test_successive_adjustments_are_all_kept_oldest_first(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context), dose="50 mg")
    adjust(medication, order["id"], dose="100 mg")
    adjust(medication, order["id"], dose="150 mg")
    history = medication.get(f"/v1/orders/{order['id']}", headers=CLINICIAN).json["history"]
    doses = [(change["from_dose"], change["to_dose"]) for change in history]
    assert doses == [("50 mg", "100 mg"), ("100 mg", "150 mg")]


def test_an_adjustment_emits_order_adjusted_without_the_dose(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    adjust(medication, order["id"])
    [adjusted] = pending_events(medication_context, ORDERS, "medication.order.adjusted")
    assert adjusted["payload"] == {"order_id": order["id"], "patient_id": order["patient_id"], "rxnorm": None,
                                   "status": "active"}


def test_an_adjustment_to_the_same_dose_is_refused_on_dose(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context), dose="50 mg")
    answer = adjust(medication, order["id"], dose="50 mg")
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"dose"}


def test_an_adjustment_without_a_reason_is_refused_on_reason(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    answer = medication.post(f"/v1/orders/{order['id']}/adjustments", json={"dose": "100 mg"}, headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"reason"}


# --- discontinuation ------------------------------------------------------------------------

def test_discontinuing_stops_the_order_and_records_why(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    answer = discontinue(medication, order["id"], reason="sedation")
    assert (answer.status_code, answer.json["status"]) == (200, "discontinued")
    assert answer.json["discontinued_at"]
    assert [(change["action"], change["reason"]) for change in answer.json["history"]] == [("discontinued", "sedation")]


def test_discontinuing_emits_order_discontinued(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    discontinue(medication, order["id"])
    [discontinued] = pending_events(medication_context, ORDERS, "medication.order.discontinued")
    assert (discontinued["payload"]["order_id"], discontinued["payload"]["status"]) == (order["id"], "discontinued")


def test_a_discontinued_order_cannot_be_adjusted(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    discontinue(medication, order["id"])
    answer = adjust(medication, order["id"])
    assert answer.status_code == 409
    assert answer.content_type == "application/problem+json"


def test_a_discontinued_order_cannot_be_discontinued_again(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    discontinue(medication, order["id"])
    assert discontinue(medication, order["id"]).status_code == 409


def test_a_refused_adjustment_leaves_the_order_and_the_outbox_as_they_were(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context), dose="50 mg")
    discontinue(medication, order["id"])
    adjust(medication, order["id"], dose="100 mg")
    assert medication.get(f"/v1/orders/{order['id']}", headers=CLINICIAN).json["dose"] == "50 mg"
    assert pending_events(medication_context, ORDERS, "medication.order.adjusted") == []


# --- lists ----------------------------------------------------------------------------------

def test_orders_are_listed_by_patient_and_status(medication, medication_context):
    patient_id = known_patient(medication_context)
    active = prescribe(medication, patient_id, medication="Sertraline")
    stopped = prescribe(medication, patient_id, medication="Quetiapine")
    discontinue(medication, stopped["id"])
    prescribe(medication, known_patient(medication_context))
    answer = medication.get(f"/v1/orders?patient_id={patient_id}&status=active", headers=CLINICIAN)
    assert [order["id"] for order in answer.json] == [active["id"]]
    assert "X-Pagination" in answer.headers


def test_listing_orders_by_an_unknown_status_is_refused_on_status(medication):
    answer = medication.get("/v1/orders?status=paused", headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"status"}


def test_the_current_list_holds_the_active_orders_at_their_current_dose(medication, medication_context):
    patient_id = known_patient(medication_context)
    kept = prescribe(medication, patient_id, medication="Sertraline", dose="50 mg")
    adjust(medication, kept["id"], dose="100 mg")
    stopped = prescribe(medication, patient_id, medication="Quetiapine")
    discontinue(medication, stopped["id"])
    answer = medication.get(f"/v1/patients/{patient_id}/medications", headers=CLINICIAN)
    assert [(order["id"], order["dose"]) for order in answer.json["current"]] == [(kept["id"], "100 mg")]
    assert "discontinued" not in answer.json


def test_the_full_history_adds_discontinued_orders_and_every_change(medication, medication_context):
    patient_id = known_patient(medication_context)
    kept = prescribe(medication, patient_id, medication="Sertraline")
    adjust(medication, kept["id"])
    stopped = prescribe(medication, patient_id, medication="Quetiapine")
    discontinue(medication, stopped["id"])
    answer = medication.get(f"/v1/patients/{patient_id}/medications?include=history", headers=CLINICIAN)
    assert [len(order["history"]) for order in answer.json["current"]] == [1]
    assert [order["id"] for order in answer.json["discontinued"]] == [stopped["id"]]


# --- site isolation -------------------------------------------------------------------------

def test_another_sites_order_answers_404_as_if_it_did_not_exist(medication, medication_context):
    order = prescribe(medication, known_patient(medication_context))
    assert medication.get(f"/v1/orders/{order['id']}", headers=OTHER_SITE).status_code == 404
    assert adjust(medication, order["id"], headers=OTHER_SITE).status_code == 404
    assert discontinue(medication, order["id"], headers=OTHER_SITE).status_code == 404


def test_another_sites_orders_are_not_listed(medication, medication_context):
    patient_id = known_patient(medication_context)
    prescribe(medication, patient_id)
    assert medication.get(f"/v1/orders?patient_id={patient_id}", headers=OTHER_SITE).json == []


def test_another_sites_patient_medications_answer_404(medication, medication_context):
    patient_id = known_patient(medication_context)
    prescribe(medication, patient_id)
    assert medication.get(f"/v1/patients/{patient_id}/medications", headers=OTHER_SITE).status_code == 404


def test_a_request_without_a_key_is_401(medication):
    assert medication.get("/v1/orders").status_code == 401
