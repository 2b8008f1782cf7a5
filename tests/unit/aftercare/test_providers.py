"""The provider directory's rules: the NPI check digit, folded names, entries and their changes, searches."""
from datetime import datetime, timezone

import pytest

from services.aftercare.domain.providers import (
    changed_provider,
    fold_name,
    is_valid_npi,
    luhn_check_digit,
    new_provider,
    npi_in,
    provider_from_reference,
    search_selector,
)
from shared.errors import Invalid
from shared.provider_names import name_code

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)


def entry(**fields):
    return new_provider("mpls", "prov-1", {"name": "Lakeside Counseling", **fields}, NOW)


# --- the NPI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("npi", ["1234567893", "9876543213", "1111111112"])
def test_an_npi_whose_last_digit_is_the_luhn_check_digit_over_80840_and_the_first_nine_is_valid(npi):
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "12345678930", "12345678a3", ""])
def test_a_wrong_check_digit_or_a_wrong_length_is_not_an_npi(npi):
    assert not is_valid_npi(npi)


def test_the_check_digit_is_the_luhn_digit_of_the_payload():
    assert luhn_check_digit("80840" + "123456789") == 3


@pytest.mark.parametrize("reference, npi", [("npi:1234567893", "1234567893"), ("1234567893", "1234567893"),
                                            ("NPI:1234567893", "1234567893"), ("npi:1234567890", None),
                                            ("Lakeside Counseling", None)])
def test_a_reference_names_an_npi_only_when_it_holds_a_valid_one(reference, npi):
    assert npi_in(reference) == npi


# --- folded names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["St. Mary's  Clinic", "st marys clinic", "ST-MARYS_CLINIC", " St Mary’s Clinic "])
def test_names_fold_alike_whatever_their_case_punctuation_apostrophes_and_spacing(typed):
    assert fold_name(typed) == "st marys clinic"


def test_accents_fold_away():
    assert fold_name("Clínica Señora") == "clinica senora"


def test_a_name_of_punctuation_only_is_still_a_name():
    assert fold_name(" -- ") == "--"


# --- entries ------------------------------------------------------------------------------------------


def test_an_entry_keeps_its_name_as_typed_trimmed_and_its_folded_form():
    provider = entry(name="  Lakeside   Counseling ")
    assert (provider["name"], provider["name_folded"], provider["created_from"]) == (
        "Lakeside Counseling", "lakeside counseling", "directory")


def test_an_entry_with_a_wrong_npi_check_digit_is_refused_naming_npi():
    with pytest.raises(Invalid) as refused:
        entry(npi="1234567890")
    assert list(refused.value.errors) == ["npi"]


def test_an_entry_offering_an_unknown_level_of_care_is_refused():
    with pytest.raises(Invalid) as refused:
        entry(levels_of_care=["yoga"])
    assert list(refused.value.errors) == ["levels_of_care"]


def test_an_entry_lists_each_level_of_care_once():
    assert entry(levels_of_care=["psychiatry", "psychiatry", "mat"])["levels_of_care"] == ["psychiatry", "mat"]


def test_a_typed_name_makes_an_entry_of_that_name():
    provider = provider_from_reference("mpls", "prov-2", "North Star Recovery", "mat", NOW, typed=True)
    assert (provider["name"], provider["npi"], provider["levels_of_care"], provider["created_from"]) == (
        "North Star Recovery", None, ["mat"], "typed_name")


def test_an_npi_code_makes_an_entry_named_after_it_for_staff_to_complete():
    provider = provider_from_reference("mpls", "prov-2", "npi:1234567893", None, NOW, typed=False)
    assert (provider["name"], provider["npi"], provider["created_from"]) == ("NPI 1234567893", "1234567893", "reference")


def test_a_typed_name_that_looks_like_an_npi_is_still_a_name():
    assert provider_from_reference("mpls", "prov-2", "1234567893", None, NOW, typed=True)["npi"] is None


# --- changes --------------------------------------------------------------------------------------------


def test_a_new_name_is_folded_again_and_the_change_stamped():
    fields, events = changed_provider(entry(), {"name": "Lakeside  Behavioral Health"}, LATER)
    assert fields == {"name": "Lakeside Behavioral Health", "name_folded": "lakeside behavioral health",
                      "name_codes": [name_code(entry()["name"]), name_code("lakeside behavioral health")],
                      "updated_at": LATER}
    assert events == []


def test_a_change_to_the_same_values_changes_nothing():
    assert changed_provider(entry(phone="+1 612 555 0142"), {"phone": "+1 612 555 0142"}, LATER) is None


def test_a_change_with_a_wrong_npi_is_refused():
    with pytest.raises(Invalid):
        changed_provider(entry(), {"npi": "1234567890"}, LATER)


# --- searches -------------------------------------------------------------------------------------------


def test_a_search_by_name_looks_for_the_folded_text_anywhere_in_the_folded_name():
    assert search_selector("mpls", name="Side  co") == {"site_id": "mpls", "name_folded": {"$regex": "side\\ co"}}


def test_a_search_folds_pattern_characters_away_before_they_reach_the_database():
    assert search_selector("mpls", name="a.*b")["name_folded"] == {"$regex": "a\\ b"}


def test_a_search_by_level_of_care_matches_entries_offering_it():
    assert search_selector("mpls", level_of_care="psychiatry") == {"site_id": "mpls",
                                                                   "levels_of_care": {"$in": ["psychiatry"]}}
