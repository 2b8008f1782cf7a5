"""Prescribing, adjusting and discontinuing orders on the in-memory store: what is stored, the
events left in the outbox, refusals, and the patient's medication list."""
from datetime import date, timedelta

import pytest

from services.medication.store import ORDERS
from services.medication.use_cases.orders import adjust_order, create_order, discontinue_order, medication_list
from services.medication.use_cases.roster import record_patient
from shared import clock
from shared.errors import IllegalTransition, Invalid, NotFound
from tests.unit.medication.conftest import CLINICIAN, NOW, OTHER_SITE, SITE, event_cause, outbox, request_cause


def prescription(patient_id="p-1", **changes) -> dict:
    return {"patient_id": patient_id, "medication": "Sertraline", "dose": "50 mg", "route": "oral",
            "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": date(2026, 11, 2), **changes}


@pytest.fixture
def patient(store):
    record_patient(store, event_cause(SITE), "p-1")
    return "p-1"


@pytest.fixture
def order(store, patient):
    return create_order(store, request_cause(), prescription(patient, rxnorm="36437"))


# --- prescription ---------------------------------------------------------------------------

def test_a_created_order_is_stored_active_at_the_callers_site(store, order):
    stored = store.orders.find_one({"_id": order["_id"]})

    assert (stored["site_id"], stored["status"], stored["start_date"], stored["created_by"]) == (
        SITE, "active", date(2026, 11, 2), CLINICIAN)


def test_creating_an_order_leaves_order_created_in_its_outbox(store, patient):
    cause = request_cause()

    order = create_order(store, cause, prescription(patient, rxnorm="36437"))

    [created] = outbox(store, ORDERS, "medication.order.created")
    assert created["payload"] == {"order_id": order["_id"], "patient_id": "p-1", "rxnorm": "36437", "status": "active"}
    assert (created["site_id"], created["correlation_id"]) == (SITE, cause.correlation_id)


def test_an_order_for_a_patient_not_known_here_is_refused_and_nothing_is_stored(store):
    record_patient(store, event_cause(OTHER_SITE), "p-1")

    with pytest.raises(Invalid) as raised:
        create_order(store, request_cause(), prescription("p-1"))

    assert list(raised.value.errors) == ["patient_id"]
    assert store.orders.count({}) == 0


# --- adjustments ----------------------------------------------------------------------------

def test_an_adjustment_stores_the_new_dose_and_the_change_in_the_history(store, order):
    later = NOW + timedelta(days=3)
    with clock.pinned(later):
        adjust_order(store, request_cause(), order["_id"], "100 mg", "partial response")

    stored = store.orders.find_one({"_id": order["_id"]})
    assert (stored["dose"], stored["updated_at"]) == ("100 mg", later)
    assert stored["history"] == [{"at": later, "by": CLINICIAN, "action": "adjusted", "from_dose": "50 mg",
                                  "to_dose": "100 mg", "reason": "partial response"}]


def test_an_adjustment_answers_the_order_as_stored(store, order):
    answered = adjust_order(store, request_cause(), order["_id"], "100 mg", "partial response")

    assert answered["history"] == store.orders.find_one({"_id": order["_id"]})["history"]


def test_an_adjustment_leaves_order_adjusted_in_the_outbox(store, order):
    adjust_order(store, request_cause(), order["_id"], "100 mg", "partial response")

    [adjusted] = outbox(store, ORDERS, "medication.order.adjusted")
    assert adjusted["payload"] == {"order_id": order["_id"], "patient_id": "p-1", "rxnorm": "36437",
                                   "status": "active"}


def test_successive_adjustments_keep_every_change_oldest_first(store, order):
    adjust_order(store, request_cause(), order["_id"], "100 mg", "partial response")
    adjust_order(store, request_cause(), order["_id"], "150 mg", "still low mood")

    history = store.orders.find_one({"_id": order["_id"]})["history"]
    assert [(change["from_dose"], change["to_dose"]) for change in history] == [("50 mg", "100 mg"),
                                                                                 ("100 mg", "150 mg")]


def test_an_adjustment_to_the_current_dose_is_refused_and_changes_nothing(store, order):
    with pytest.raises(Invalid):
        adjust_order(store, request_cause(), order["_id"], "50 mg", "recheck")

    assert store.orders.find_one({"_id": order["_id"]})["history"] == []
    assert outbox(store, ORDERS, "medication.order.adjusted") == []


def test_another_sites_order_is_not_found(store, order):
    with pytest.raises(NotFound):
        adjust_order(store, request_cause(OTHER_SITE), order["_id"], "100 mg", "partial response")


# --- discontinuation ------------------------------------------------------------------------

def test_discontinuing_stores_the_status_the_instant_and_why(store, order):
    discontinue_order(store, request_cause(), order["_id"], "sedation")

    stored = store.orders.find_one({"_id": order["_id"]})
    assert (stored["status"], stored["discontinued_at"]) == ("discontinued", NOW)
    assert [(change["action"], change["reason"]) for change in stored["history"]] == [("discontinued", "sedation")]


def test_discontinuing_leaves_order_discontinued_in_the_outbox(store, order):
    discontinue_order(store, request_cause(), order["_id"], "sedation")

    [discontinued] = outbox(store, ORDERS, "medication.order.discontinued")
    assert (discontinued["payload"]["order_id"], discontinued["payload"]["status"]) == (order["_id"], "discontinued")


def test_a_discontinued_order_refuses_an_adjustment_with_409_and_keeps_its_dose(store, order):
    discontinue_order(store, request_cause(), order["_id"], "sedation")

    with pytest.raises(IllegalTransition) as raised:
        adjust_order(store, request_cause(), order["_id"], "100 mg", "restart")

    assert raised.value.status == 409
    assert store.orders.find_one({"_id": order["_id"]})["dose"] == "50 mg"
    assert outbox(store, ORDERS, "medication.order.adjusted") == []


def test_a_discontinued_order_refuses_a_second_discontinuation_with_409(store, order):
    discontinue_order(store, request_cause(), order["_id"], "sedation")

    with pytest.raises(IllegalTransition):
        discontinue_order(store, request_cause(), order["_id"], "sedation")

    assert len(outbox(store, ORDERS, "medication.order.discontinued")) == 1


def test_discontinuing_an_unknown_order_is_not_found(store):
    with pytest.raises(NotFound):
        discontinue_order(store, request_cause(), "no-such-order", "sedation")


# --- the patient's medication list ----------------------------------------------------------

def test_the_medication_list_holds_the_active_orders_at_their_current_dose(store, order):
    stopped = create_order(store, request_cause(), prescription(medication="Quetiapine"))
    discontinue_order(store, request_cause(), stopped["_id"], "sedation")
    adjust_order(store, request_cause(), order["_id"], "100 mg", "partial response")

    listed = medication_list(store, SITE, "p-1", with_history=False)

    assert [(listed_order["_id"], listed_order["dose"]) for listed_order in listed["current"]] == [
        (order["_id"], "100 mg")]


def test_the_medication_list_of_another_sites_patient_is_not_found(store, order):
    with pytest.raises(NotFound):
        medication_list(store, OTHER_SITE, "p-1", with_history=True)
