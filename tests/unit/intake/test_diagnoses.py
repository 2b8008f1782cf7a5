"""Diagnoses on an enrollment: billable ICD-10-CM codes from the real code set, ranked, with history."""
from datetime import datetime, timezone

import pytest

from services.intake.domain.diagnoses import billable_code, check_diagnoses, update
from shared.errors import Invalid

ENROLLMENT = {"_id": "e-1", "patient_id": "p-1", "diagnoses": [], "diagnosis_history": []}
RECORD = {"at": datetime(2026, 11, 26, 18, tzinfo=timezone.utc), "by": "clinician-key"}


def _errors(diagnoses):
    with pytest.raises(Invalid) as caught:
        check_diagnoses(diagnoses)
    return caught.value.errors


@pytest.mark.parametrize("code", ["F33.1", "F32.A", "F10.20", "F41.1", "F43.10", "S72.001A", "T14.91XA"])
def test_a_billable_icd_10_cm_code_is_accepted_as_written(code):
    assert billable_code(code) == code


def test_a_code_without_its_dot_is_kept_dotted():
    assert billable_code("F331") == "F33.1"


@pytest.mark.parametrize("code", ["F33.A", "F99.99", "Z99.999", "U00"])
def test_a_code_not_in_icd_10_cm_is_refused(code):
    with pytest.raises(ValueError, match="is not an ICD-10-CM code"):
        billable_code(code)


@pytest.mark.parametrize("code", ["F33", "F10.2", "S72.001"])
def test_a_category_with_codes_below_it_is_not_billable_and_the_message_names_them(code):
    with pytest.raises(ValueError, match="not billable: give one of the codes below it"):
        billable_code(code)


@pytest.mark.parametrize("code", ["5", "F01-F99"], ids=["a chapter", "a block"])
def test_a_chapter_or_block_is_not_a_code(code):
    with pytest.raises(ValueError, match="is not an ICD-10-CM code"):
        billable_code(code)


def test_diagnoses_are_kept_in_rank_order_with_their_codes_dotted():
    assert check_diagnoses([{"code": "F411", "rank": 2}, {"code": "F33.1", "rank": 1}]) == [
        {"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}]


def test_an_unknown_code_is_invalid_on_its_own_item_numbered_from_0():
    errors = _errors([{"code": "F33.1", "rank": 1}, {"code": "F33.A", "rank": 2}])
    assert errors == {"diagnoses.1.code": ["F33.A is not an ICD-10-CM code"]}


def test_every_bad_code_is_named_at_once():
    assert set(_errors([{"code": "F33", "rank": 1}, {"code": "X00.0", "rank": 2}])) == {
        "diagnoses.0.code", "diagnoses.1.code"}


def test_a_set_without_a_rank_1_is_invalid_on_diagnoses():
    assert list(_errors([{"code": "F33.1", "rank": 2}])) == ["diagnoses"]


def test_two_diagnoses_of_rank_1_are_invalid_on_the_second_ones_rank():
    assert list(_errors([{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 1}])) == ["diagnoses.1.rank"]


def test_the_same_code_twice_is_invalid_on_the_second_ones_code():
    assert list(_errors([{"code": "F33.1", "rank": 1}, {"code": "F331", "rank": 2}])) == ["diagnoses.1.code"]


@pytest.mark.parametrize("count", [0, 13])
def test_a_set_of_no_diagnosis_or_more_than_12_is_invalid(count):
    diagnoses = [{"code": "F33.1", "rank": rank} for rank in range(1, count + 1)]
    assert list(_errors(diagnoses)) == ["diagnoses"]


def test_putting_diagnoses_decides_the_updated_event_with_the_codes_and_the_primary():
    changes, [event] = update(ENROLLMENT, [{"code": "F41.1", "rank": 2}, {"code": "F33.1", "rank": 1}], RECORD)
    assert (event.event_type, event.payload) == ("intake.diagnoses.updated", {
        "enrollment_id": "e-1", "patient_id": "p-1", "primary_code": "F33.1",
        "diagnoses": [{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}]})
    assert changes["diagnoses"] == event.payload["diagnoses"]


def test_each_change_is_appended_to_the_history_with_who_and_when():
    first, _ = update(ENROLLMENT, [{"code": "F33.1", "rank": 1}], RECORD)
    second, _ = update({**ENROLLMENT, **first}, [{"code": "F33.2", "rank": 1}], RECORD)
    assert [(entry["by"], entry["diagnoses"][0]["code"]) for entry in second["diagnosis_history"]] == [
        ("clinician-key", "F33.1"), ("clinician-key", "F33.2")]


def test_putting_the_set_the_enrollment_has_changes_nothing_and_decides_no_event():
    first, _ = update(ENROLLMENT, [{"code": "F33.1", "rank": 1}], RECORD)
    assert update({**ENROLLMENT, **first}, [{"code": "F331", "rank": 1}], RECORD) is None
