"""Validation messages become problem+json ``errors`` keyed by field path."""
from shared.http.problems import flatten_errors


def test_nested_messages_are_keyed_by_dotted_path():
    assert flatten_errors({"step_down": {"level_of_care": ["Missing data for required field."]}}) == {
        "step_down.level_of_care": ["Missing data for required field."]}


def test_list_item_messages_are_keyed_by_index():
    assert flatten_errors({"item_scores": {3: ["Not a valid integer."]}}) == {"item_scores.3": ["Not a valid integer."]}


def test_top_level_field_messages_stay_as_they_are():
    assert flatten_errors({"mrn": ["Unknown field."]}) == {"mrn": ["Unknown field."]}
