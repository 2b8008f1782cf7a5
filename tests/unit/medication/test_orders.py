"""Medication orders: validation, adjustments with history, discontinuation."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.medication.domain.orders import ROUTES, adjust, discontinue, new_order
from shared.errors import IllegalTransition, Invalid

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
LATER = NOW + timedelta(days=7)
CLINICIAN = "mpls:front-end"


def order_fields(**overrides):
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


def an_order(**overrides):
    return new_order(order_fields(**overrides), NOW, CLINICIAN)


def errors_of(call):
    with pytest.raises(Invalid) as raised:
        call()
    return raised.value.errors


# --- creation -----------------------------------------------------------------

def test_a_new_order_is_active_with_an_empty_history():
    order = an_order()

    assert (order["status"], order["history"]) == ("active", [])


def test_a_new_order_keeps_the_prescribed_fields():
    order = an_order(rxnorm="36437", indication="depression")

    assert {key: order[key] for key in [*order_fields(), "rxnorm", "indication"]} == {
        **order_fields(), "rxnorm": "36437", "indication": "depression"}


def test_a_new_order_records_who_created_it_and_when():
    order = an_order()

    assert (order["created_at"], order["created_by"], order["updated_at"]) == (NOW, CLINICIAN, NOW)


def test_a_new_order_gets_a_fresh_id_each_time():
    assert an_order()["id"] != an_order()["id"]


def test_a_new_order_uses_the_id_it_is_given():
    assert new_order(order_fields(), NOW, CLINICIAN, order_id="o-7")["id"] == "o-7"


def test_optional_fields_default_to_none():
    order = an_order()

    assert (order["rxnorm"], order["indication"]) == (None, None)


def test_text_fields_are_stored_without_surrounding_spaces():
    assert an_order(dose="  50 mg ")["dose"] == "50 mg"


@pytest.mark.parametrize("route", ROUTES)
def test_every_listed_route_is_accepted(route):
    assert an_order(route=route)["route"] == route


# --- validation ---------------------------------------------------------------

@pytest.mark.parametrize("field", ["patient_id", "medication", "dose", "route", "frequency", "prescriber", "start_date"])
def test_a_missing_required_field_is_named_in_the_errors(field):
    fields = order_fields()
    del fields[field]

    assert list(errors_of(lambda: new_order(fields, NOW, CLINICIAN))) == [field]


@pytest.mark.parametrize("field", ["patient_id", "medication", "dose", "frequency", "prescriber"])
def test_a_blank_required_text_field_is_refused(field):
    assert list(errors_of(lambda: an_order(**{field: "   "}))) == [field]


def test_a_text_field_that_is_not_a_string_is_refused():
    assert errors_of(lambda: an_order(dose=50)) == {"dose": ["Not a valid string."]}


def test_a_text_field_spanning_several_lines_is_refused():
    assert list(errors_of(lambda: an_order(frequency="once daily\nwith food"))) == ["frequency"]


def test_an_overlong_text_field_is_refused():
    assert list(errors_of(lambda: an_order(medication="x" * 501))) == ["medication"]


def test_a_route_outside_the_list_is_refused():
    assert list(errors_of(lambda: an_order(route="rectal"))) == ["route"]


def test_a_route_is_matched_exactly_not_ignoring_case():
    assert list(errors_of(lambda: an_order(route="Oral"))) == ["route"]


def test_a_start_date_given_as_a_string_is_refused():
    assert errors_of(lambda: an_order(start_date="2025-03-03")) == {"start_date": ["Not a valid date."]}


def test_a_start_date_given_as_an_instant_is_refused():
    assert list(errors_of(lambda: an_order(start_date=NOW))) == ["start_date"]


@pytest.mark.parametrize("code", ["RX123", "12 34", "", "٣٤٥", 36437])
def test_an_rxnorm_code_that_is_not_all_ascii_digits_is_refused(code):
    assert list(errors_of(lambda: an_order(rxnorm=code))) == ["rxnorm"]


def test_an_empty_indication_counts_as_absent():
    assert an_order(indication=" ")["indication"] is None


def test_an_unknown_field_is_refused():
    assert errors_of(lambda: an_order(notes="call home")) == {"notes": ["Unknown field."]}


def test_every_bad_field_is_reported_at_once():
    errors = errors_of(lambda: an_order(dose="", route="by mouth", rxnorm="abc"))

    assert sorted(errors) == ["dose", "route", "rxnorm"]


def test_a_naive_instant_is_a_programming_error():
    with pytest.raises(ValueError):
        new_order(order_fields(), NOW.replace(tzinfo=None), CLINICIAN)


# --- adjustments --------------------------------------------------------------

def test_an_adjustment_sets_the_new_dose():
    assert adjust(an_order(), "100 mg", "partial response", LATER, CLINICIAN)["dose"] == "100 mg"


def test_an_adjustment_is_recorded_in_the_history():
    adjusted = adjust(an_order(), "100 mg", "partial response", LATER, "mpls:dr-lee")

    assert adjusted["history"] == [{
        "at": LATER.isoformat(), "by": "mpls:dr-lee", "action": "adjusted",
        "from_dose": "50 mg", "to_dose": "100 mg", "reason": "partial response",
    }]


def test_the_history_instant_keeps_its_offset():
    adjusted = adjust(an_order(), "100 mg", "partial response", LATER, CLINICIAN)

    assert adjusted["history"][0]["at"] == "2025-03-10T09:30:00-06:00"


def test_successive_adjustments_keep_the_full_history_in_order():
    order = an_order()
    order = adjust(order, "100 mg", "partial response", LATER, CLINICIAN)
    order = adjust(order, "150 mg", "still low mood", LATER + timedelta(days=14), CLINICIAN)
    order = adjust(order, "100 mg", "insomnia", LATER + timedelta(days=21), CLINICIAN)

    assert [(r["from_dose"], r["to_dose"]) for r in order["history"]] == [
        ("50 mg", "100 mg"), ("100 mg", "150 mg"), ("150 mg", "100 mg")]


def test_an_adjustment_moves_updated_at_but_not_created_at():
    adjusted = adjust(an_order(), "100 mg", "partial response", LATER, CLINICIAN)

    assert (adjusted["created_at"], adjusted["updated_at"]) == (NOW, LATER)


def test_an_adjustment_leaves_the_original_order_untouched():
    order = an_order()

    adjust(order, "100 mg", "partial response", LATER, CLINICIAN)

    assert (order["dose"], order["history"]) == ("50 mg", [])


def test_an_adjustment_without_a_reason_is_refused():
    assert list(errors_of(lambda: adjust(an_order(), "100 mg", "", LATER, CLINICIAN))) == ["reason"]


def test_an_adjustment_without_a_dose_is_refused():
    assert list(errors_of(lambda: adjust(an_order(), None, "partial response", LATER, CLINICIAN))) == ["dose"]


def test_an_adjustment_to_the_current_dose_is_refused():
    errors = errors_of(lambda: adjust(an_order(), " 50 mg", "recheck", LATER, CLINICIAN))

    assert errors == {"dose": ["The new dose is the same as the current dose."]}


# --- discontinuation ----------------------------------------------------------

def test_discontinuing_sets_the_status_and_the_instant():
    stopped = discontinue(an_order(), "rash", LATER, CLINICIAN)

    assert (stopped["status"], stopped["discontinued_at"]) == ("discontinued", LATER)


def test_discontinuing_is_recorded_in_the_history_after_the_adjustments():
    order = adjust(an_order(), "100 mg", "partial response", LATER, CLINICIAN)

    stopped = discontinue(order, "rash", LATER + timedelta(days=1), "mpls:dr-lee")

    assert stopped["history"][-1] == {
        "at": (LATER + timedelta(days=1)).isoformat(), "by": "mpls:dr-lee", "action": "discontinued",
        "from_dose": "100 mg", "to_dose": None, "reason": "rash",
    }


def test_discontinuing_without_a_reason_is_refused():
    assert list(errors_of(lambda: discontinue(an_order(), "  ", LATER, CLINICIAN))) == ["reason"]


def test_a_discontinued_order_cannot_be_adjusted():
    stopped = discontinue(an_order(), "rash", LATER, CLINICIAN)

    with pytest.raises(IllegalTransition):
        adjust(stopped, "100 mg", "restart", LATER, CLINICIAN)


def test_a_refused_adjustment_answers_409():
    stopped = discontinue(an_order(), "rash", LATER, CLINICIAN)

    with pytest.raises(IllegalTransition) as raised:
        adjust(stopped, "100 mg", "restart", LATER, CLINICIAN)

    assert raised.value.status == 409


def test_a_discontinued_order_cannot_be_discontinued_again():
    stopped = discontinue(an_order(), "rash", LATER, CLINICIAN)

    with pytest.raises(IllegalTransition):
        discontinue(stopped, "rash", LATER, CLINICIAN)
