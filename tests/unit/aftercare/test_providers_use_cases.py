"""The provider directory on the in-memory store: entries, their corrections, and names resolved."""
import pytest

from services.aftercare.use_cases.providers import register_provider, resolve_provider, update_provider
from services.aftercare.use_cases.referrals import add_referral
from shared.cause import Cause
from shared.errors import Conflict, Invalid, NotFound
from shared.provider_names import name_code
from tests.unit.aftercare.support import discharge

LAKESIDE = {"name": "Lakeside Counseling", "npi": "9876543213", "levels_of_care": ["outpatient_therapy"]}


def test_an_entry_is_stored_with_its_fields_and_folded_name(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    stored = store.providers.find_one({"_id": provider["_id"]})
    assert (stored["site_id"], stored["name_folded"], stored["npi"]) == ("mpls", "lakeside counseling", "9876543213")


def test_a_second_entry_of_the_same_folded_name_is_a_conflict(store, staff):
    register_provider(store, staff, LAKESIDE)
    with pytest.raises(Conflict):
        register_provider(store, staff, {"name": "LAKESIDE counseling."})


def test_a_second_entry_with_the_same_npi_is_a_conflict(store, staff):
    register_provider(store, staff, LAKESIDE)
    with pytest.raises(Conflict):
        register_provider(store, staff, {"name": "Lakeside North", "npi": "9876543213"})


def test_a_correction_changes_only_the_fields_sent(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    corrected = update_provider(store, staff, provider["_id"], {"phone": "+1 612 555 0199"})
    assert (corrected["phone"], corrected["name"], corrected["npi"]) == ("+1 612 555 0199", "Lakeside Counseling",
                                                                         "9876543213")


def test_renaming_an_entry_to_another_entrys_name_is_a_conflict(store, staff):
    register_provider(store, staff, LAKESIDE)
    other = register_provider(store, staff, {"name": "North Star"})
    with pytest.raises(Conflict):
        update_provider(store, staff, other["_id"], {"name": "lakeside  counseling"})


def test_correcting_another_sites_entry_is_not_found(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    with pytest.raises(NotFound):
        update_provider(store, Cause("stpaul", "request-2", actor="stpaul"), provider["_id"], {"phone": "+1 651 555 0100"})


def test_a_typed_name_with_spaces_matches_the_entry_of_the_same_folded_name(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    assert resolve_provider(store, "mpls", "lakeside   COUNSELING", typed=True)["_id"] == provider["_id"]


def test_a_new_typed_name_becomes_one_entry_however_often_it_is_typed(store):
    first = resolve_provider(store, "mpls", "North Star Recovery Services", "mat", typed=True)
    again = resolve_provider(store, "mpls", "north star recovery services", typed=True)
    assert (again["_id"], store.providers.count({})) == (first["_id"], 1)


def test_an_npi_code_matches_the_entry_with_that_npi(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    assert resolve_provider(store, "mpls", "npi:9876543213")["_id"] == provider["_id"]


def test_an_id_of_the_directory_is_that_entry(store, staff):
    provider = register_provider(store, staff, LAKESIDE)
    assert resolve_provider(store, "mpls", provider["_id"])["_id"] == provider["_id"]


def test_another_sites_entry_is_never_resolved(store, staff):
    register_provider(store, staff, LAKESIDE)
    assert resolve_provider(store, "stpaul", "Lakeside Counseling", typed=True)["site_id"] == "stpaul"


def test_a_blank_reference_resolves_to_no_provider(store):
    assert (resolve_provider(store, "mpls", "  ", typed=True), resolve_provider(store, "mpls", None)) == (None, None)


def test_the_discharges_step_down_provider_is_put_in_the_directory_and_named_by_the_referral(store, site):
    plan = discharge(store, site)
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    provider = store.providers.find_one({"_id": referral["provider_id"]})
    assert (provider["npi"], provider["created_from"], referral["provider"]) == ("1234567893", "reference",
                                                                                  "npi:1234567893")


def test_a_referral_made_with_a_typed_name_names_the_directory_entry_of_that_name(store, site, staff):
    plan = discharge(store, site)
    provider = register_provider(store, staff, LAKESIDE)
    referral = add_referral(store, staff, plan["_id"], "psychiatry", provider_name="Lakeside  counseling")
    assert (referral["provider_id"], referral["provider"]) == (provider["_id"], "Lakeside  counseling")


def test_a_referral_naming_an_unknown_directory_id_is_refused_naming_provider_id(store, site, staff):
    plan = discharge(store, site)
    with pytest.raises(Invalid) as refused:
        add_referral(store, staff, plan["_id"], "psychiatry", provider_id="no-such-provider")
    assert list(refused.value.errors) == ["provider_id"]


# --- a step-down provider typed in intake arrives as its name code (shared/provider_names.py) ---------------

TYPED = "Lakeside Counseling Center, LLC"


def test_a_discharges_name_code_names_the_directory_entry_of_that_name(store, site, staff):
    provider = register_provider(store, staff, {"name": "Lakeside Counseling Center LLC"})
    plan = discharge(store, site, step_down={"level_of_care": "outpatient_therapy", "provider_id": name_code(TYPED)})
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    assert (referral["provider_id"], store.providers.count({})) == (provider["_id"], 1)


def test_an_entry_renamed_by_staff_is_still_found_by_the_code_of_its_former_name(store, staff):
    provider = register_provider(store, staff, {"name": TYPED})
    update_provider(store, staff, provider["_id"], {"name": "Lakeside Behavioral Health"})
    assert resolve_provider(store, "mpls", name_code(TYPED))["_id"] == provider["_id"]


def test_an_entry_from_before_name_codes_is_found_by_its_folded_name(store, staff):
    provider = register_provider(store, staff, {"name": TYPED})
    store.db["providers"].update_one({"_id": provider["_id"]}, {"$unset": {"name_codes": ""}})
    assert resolve_provider(store, "mpls", name_code(TYPED))["_id"] == provider["_id"]


def test_an_unknown_name_code_becomes_one_placeholder_entry_without_the_name(store):
    first = resolve_provider(store, "mpls", name_code(TYPED), "outpatient_therapy")
    again = resolve_provider(store, "mpls", name_code(TYPED))
    assert (again["_id"], store.providers.count({})) == (first["_id"], 1)
    assert (first["created_from"], first["levels_of_care"]) == ("reference", ["outpatient_therapy"])
    assert "lakeside" not in first["name_folded"] and name_code(TYPED) in first["name"]


def test_the_name_typed_later_in_a_referral_completes_the_placeholder(store, site, staff):
    plan = discharge(store, site, step_down={"level_of_care": "outpatient_therapy", "provider_id": name_code(TYPED)})
    [step_down] = store.referrals.find({"plan_id": plan["_id"]})
    referral = add_referral(store, staff, plan["_id"], "psychiatry", provider_name="lakeside counseling center llc")
    provider = store.providers.find_one({"_id": referral["provider_id"]})
    assert (referral["provider_id"], provider["name"]) == (step_down["provider_id"], "lakeside counseling center llc")
    assert store.providers.count({}) == 1


def test_a_typed_name_never_renames_an_entry_staff_named(store, staff):
    provider = register_provider(store, staff, {"name": TYPED})
    update_provider(store, staff, provider["_id"], {"name": "Lakeside Behavioral Health"})
    assert resolve_provider(store, "mpls", TYPED, typed=True)["name"] == "Lakeside Behavioral Health"
