"""The field rules the request schemas hold (the domain no longer repeats them): text kept without
surrounding spaces and on one line, RxNorm digits, a blank indication counting as absent."""
from datetime import date

import pytest
from marshmallow import ValidationError

from services.medication.api.schemas import Adjustment, CheckInCreate, OrderCreate
from services.medication.domain.orders import ROUTES

BODY = {"patient_id": "p-1", "medication": "Sertraline", "dose": "50 mg", "route": "oral",
        "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": "2025-03-03"}


def errors_of(schema, body) -> dict:
    with pytest.raises(ValidationError) as raised:
        schema.load(body)
    return raised.value.messages


def test_an_order_body_loads_with_a_real_start_date():
    assert OrderCreate().load(BODY)["start_date"] == date(2025, 3, 3)


def test_text_fields_are_kept_without_surrounding_spaces():
    assert OrderCreate().load({**BODY, "dose": "  50 mg "})["dose"] == "50 mg"


@pytest.mark.parametrize("field", ["medication", "dose", "frequency", "prescriber"])
def test_a_blank_required_text_field_is_refused(field):
    assert errors_of(OrderCreate(), {**BODY, field: "   "}) == {field: ["Must not be empty."]}


def test_a_text_field_spanning_several_lines_is_refused():
    assert errors_of(OrderCreate(), {**BODY, "frequency": "once daily\nwith food"}) == {
        "frequency": ["Must be a single line."]}


def test_an_overlong_text_field_is_refused():
    assert list(errors_of(OrderCreate(), {**BODY, "medication": "x" * 501})) == ["medication"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_listed_route_is_accepted(route):
    assert OrderCreate().load({**BODY, "route": route})["route"] == route


def test_a_route_is_matched_exactly_not_ignoring_case():
    assert list(errors_of(OrderCreate(), {**BODY, "route": "Oral"})) == ["route"]


@pytest.mark.parametrize("code", ["RX123", "12 34", "", "٣٤٥", "36437\n", "12345678901"])
def test_an_rxnorm_code_that_is_not_one_to_ten_ascii_digits_is_refused(code):
    assert list(errors_of(OrderCreate(), {**BODY, "rxnorm": code})) == ["rxnorm"]


def test_a_blank_indication_counts_as_absent():
    assert OrderCreate().load({**BODY, "indication": " "})["indication"] is None


def test_every_bad_field_is_reported_at_once():
    assert sorted(errors_of(OrderCreate(), {**BODY, "dose": "", "route": "by mouth", "rxnorm": "abc"})) == [
        "dose", "route", "rxnorm"]


def test_an_adjustment_dose_is_kept_without_surrounding_spaces():
    # So that " 50 mg" is recognised as the current dose "50 mg" and refused by the domain.
    assert Adjustment().load({"dose": " 50 mg", "reason": "recheck"})["dose"] == "50 mg"


def test_a_side_effect_name_is_kept_without_surrounding_spaces():
    loaded = CheckInCreate().load({"patient_id": "p-1", "adherence": "taken",
                                   "side_effects": [{"name": " nausea ", "severity": "mild"}]})

    assert loaded["side_effects"] == [{"name": "nausea", "severity": "mild"}]


def test_a_blank_side_effect_name_is_refused_by_row():
    errors = errors_of(CheckInCreate(), {"patient_id": "p-1", "adherence": "taken",
                                         "side_effects": [{"name": "nausea", "severity": "mild"},
                                                          {"name": "  ", "severity": "mild"}]})

    assert list(errors["side_effects"][1]) == ["name"]
