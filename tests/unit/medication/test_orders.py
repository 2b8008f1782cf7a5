"""Medication orders: creation, adjustments with history, discontinuation, the events they decide,
and the patient's medication list."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.medication.domain.orders import adjust, discontinue, medication_list, new_order
from shared.errors import IllegalTransition, Invalid
from shared.events.registry import DomainEvent

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
LATER = NOW + timedelta(days=7)
CLINICIAN = "mpls:front-end"


def prescription(**overrides):
    fields = {
        "patient_id": "p-1",
        "medication": "Sertraline",
        "dose": "50 mg",
        "route": "oral",
        "frequency": "once daily",
        "prescriber": "Dr. Okafor",
        "start_date": date(2025, 3, 3),
    }
    fields.update(overrides)
    return fields


def an_order(order_id="o-1", **overrides):
    order, _ = new_order(order_id, prescription(**overrides), NOW, CLINICIAN)
    return order


def adjusted(order, dose, reason="partial response", at=LATER, by=CLINICIAN):
    changes, _ = adjust(order, dose, reason, at, by)
    return {**order, **changes}


def discontinued(order, reason="rash", at=LATER, by=CLINICIAN):
    changes, _ = discontinue(order, reason, at, by)
    return {**order, **changes}


# --- creation -----------------------------------------------------------------

def test_a_new_order_is_active_with_an_empty_history():
    order = an_order()

    assert (order["status"], order["history"]) == ("active", [])


def test_a_new_order_keeps_the_prescribed_fields_under_its_id():
    order = an_order("o-7", rxnorm="36437", indication="depression")

    assert {key: order[key] for key in ["_id", *prescription(), "rxnorm", "indication"]} == {
        "_id": "o-7", **prescription(), "rxnorm": "36437", "indication": "depression"}


def test_a_new_order_records_who_created_it_and_when():
    order = an_order()

    assert (order["created_at"], order["created_by"], order["updated_at"], order["discontinued_at"]) == (
        NOW, CLINICIAN, NOW, None)


def test_optional_fields_not_given_are_none():
    order = an_order()

    assert (order["rxnorm"], order["indication"]) == (None, None)


def test_a_new_order_emits_order_created_with_ids_status_and_code_only():
    _, events = new_order("o-1", prescription(rxnorm="36437"), NOW, CLINICIAN)

    assert events == [DomainEvent("medication.order.created", 1, {
        "order_id": "o-1", "patient_id": "p-1", "rxnorm": "36437", "status": "active"})]


def test_a_naive_instant_is_a_programming_error():
    with pytest.raises(ValueError):
        new_order("o-1", prescription(), NOW.replace(tzinfo=None), CLINICIAN)


# --- adjustments --------------------------------------------------------------

def test_an_adjustment_sets_the_new_dose():
    assert adjusted(an_order(), "100 mg")["dose"] == "100 mg"


def test_an_adjustment_is_recorded_in_the_history():
    order = adjusted(an_order(), "100 mg", "partial response", by="mpls:dr-lee")

    assert order["history"] == [{
        "at": LATER, "by": "mpls:dr-lee", "action": "adjusted",
        "from_dose": "50 mg", "to_dose": "100 mg", "reason": "partial response",
    }]


def test_successive_adjustments_keep_the_full_history_in_order():
    order = an_order()
    order = adjusted(order, "100 mg", at=LATER)
    order = adjusted(order, "150 mg", at=LATER + timedelta(days=14))
    order = adjusted(order, "100 mg", at=LATER + timedelta(days=21))

    assert [(r["from_dose"], r["to_dose"]) for r in order["history"]] == [
        ("50 mg", "100 mg"), ("100 mg", "150 mg"), ("150 mg", "100 mg")]


def test_an_adjustment_changes_the_dose_updated_at_and_history_only():
    changes, _ = adjust(an_order(), "100 mg", "partial response", LATER, CLINICIAN)

    assert sorted(changes) == ["dose", "history", "updated_at"]


def test_an_adjustment_leaves_the_original_order_untouched():
    order = an_order()

    adjust(order, "100 mg", "partial response", LATER, CLINICIAN)

    assert (order["dose"], order["history"]) == ("50 mg", [])


def test_an_adjustment_emits_order_adjusted_without_the_dose():
    _, events = adjust(an_order(rxnorm="36437"), "100 mg", "partial response", LATER, CLINICIAN)

    assert events == [DomainEvent("medication.order.adjusted", 1, {
        "order_id": "o-1", "patient_id": "p-1", "rxnorm": "36437", "status": "active"})]


def test_an_adjustment_to_the_current_dose_is_refused_on_dose():
    with pytest.raises(Invalid) as raised:
        adjust(an_order(dose="50 mg"), "50 mg", "recheck", LATER, CLINICIAN)

    assert raised.value.errors == {"dose": ["The new dose is the same as the current dose."]}


def test_a_discontinued_order_cannot_be_adjusted_which_answers_409():
    with pytest.raises(IllegalTransition) as raised:
        adjust(discontinued(an_order()), "100 mg", "restart", LATER, CLINICIAN)

    assert raised.value.status == 409


# --- discontinuation ----------------------------------------------------------

def test_discontinuing_sets_the_status_and_the_instant():
    stopped = discontinued(an_order(), at=LATER)

    assert (stopped["status"], stopped["discontinued_at"], stopped["updated_at"]) == ("discontinued", LATER, LATER)


def test_discontinuing_is_recorded_in_the_history_after_the_adjustments():
    order = adjusted(an_order(), "100 mg")

    stopped = discontinued(order, "rash", at=LATER + timedelta(days=1), by="mpls:dr-lee")

    assert stopped["history"][-1] == {
        "at": LATER + timedelta(days=1), "by": "mpls:dr-lee", "action": "discontinued",
        "from_dose": "100 mg", "to_dose": None, "reason": "rash",
    }


def test_discontinuing_emits_order_discontinued_with_the_new_status():
    _, events = discontinue(an_order(), "rash", LATER, CLINICIAN)

    assert events == [DomainEvent("medication.order.discontinued", 1, {
        "order_id": "o-1", "patient_id": "p-1", "rxnorm": None, "status": "discontinued"})]


def test_a_discontinued_order_cannot_be_discontinued_again():
    with pytest.raises(IllegalTransition):
        discontinue(discontinued(an_order()), "rash", LATER, CLINICIAN)


# --- the patient's medication list --------------------------------------------

def test_the_current_list_holds_active_orders_by_name_without_their_history():
    orders = [adjusted(an_order("o-1", medication="sertraline"), "100 mg"), an_order("o-2", medication="Bupropion"),
              discontinued(an_order("o-3", medication="Quetiapine"))]

    listed = medication_list("p-1", orders, with_history=False)

    assert [(order["_id"], "history" in order) for order in listed["current"]] == [("o-2", False), ("o-1", False)]
    assert "discontinued" not in listed


def test_the_list_with_history_adds_the_discontinued_orders_and_every_change():
    orders = [adjusted(an_order("o-1"), "100 mg"), discontinued(an_order("o-3", medication="Quetiapine"))]

    listed = medication_list("p-1", orders, with_history=True)

    assert [len(order["history"]) for order in listed["current"]] == [1]
    assert [order["_id"] for order in listed["discontinued"]] == ["o-3"]
