"""Treatment's site settings: defaults, who signs, and the check that stops a process at start."""
import pytest

from services.treatment.domain.site_settings import TreatmentSettings, check_site_settings, settings_for
from shared.sites import Site, Sites, SitesFileError


def site_with(**treatment) -> Site:
    return Site(id="mpls", name="Minneapolis", timezone="America/Chicago", options={"treatment": treatment})


def test_a_site_without_treatment_settings_gets_the_defaults():
    settings = settings_for(Site(id="mpls", name="Minneapolis", timezone="America/Chicago"))
    assert settings == TreatmentSettings()
    assert (settings.first_plan_due_days, settings.review_interval_days, settings.note_signing_hours,
            settings.note_format) == (7, 30, 72, "DAP")


def test_the_clinician_and_the_patient_sign_by_default_and_a_guardian_for_an_adolescent():
    settings = TreatmentSettings()
    assert settings.signatures_for("mh-adult") == ("clinician", "patient")
    assert settings.signatures_for("adolescent") == ("clinician", "guardian")


def test_a_site_requiring_a_supervisor_adds_one():
    settings = settings_for(site_with(supervisor_signature=True, adolescent_programs=["teen-iop"]))
    assert settings.signatures_for("teen-iop") == ("clinician", "guardian", "supervisor")


def test_the_demo_sites_pass_the_check(sites):
    check_site_settings(sites)


@pytest.mark.parametrize("setting, value", [
    ("required_signatures", []), ("required_signatures", ["cook"]), ("supervisor_signature", "yes"),
    ("first_plan_due_days", 0), ("review_interval_days", 2.5), ("note_signing_hours", True),
    ("note_format", "free"), ("adolescent_programs", "adolescent"), ("review_every", 30)])
def test_a_setting_that_cannot_work_stops_the_process_naming_the_site_and_the_key(setting, value):
    sites = Sites({"mpls": site_with(**{setting: value})}, {})
    with pytest.raises(SitesFileError, match=f"site 'mpls': treatment.{setting}"):
        check_site_settings(sites)


def test_settings_that_are_not_an_object_are_refused():
    sites = Sites({"mpls": Site(id="mpls", name="M", timezone="America/Chicago", options={"treatment": [1]})}, {})
    with pytest.raises(SitesFileError, match="treatment must be an object"):
        check_site_settings(sites)
