"""Intake's settings in the sites file, checked when a process starts."""
from dataclasses import replace

import pytest

from services.intake.domain.site_settings import check_site_settings, phq9_every_weeks, settings_for
from shared.programs import parse_catalog
from shared.sites import Site, Sites, SitesFileError

SITE = Site("mpls", "Minneapolis IOP", "America/Chicago")


def _sites(**changes) -> Sites:
    return Sites({"mpls": replace(SITE, **changes)}, {})


def _catalog(**program_changes):
    return parse_catalog([{"code": "mh-adult", "name": "Adult IOP", "level_of_care": "2.1", "population": "adult",
                           "substance_use": False, "planned_weeks": 8, "weekly_minimum_hours": 9,
                           **program_changes}])


def test_the_baseline_window_is_30_days_unless_the_site_sets_another():
    assert settings_for(SITE).baseline_window_days == 30
    assert settings_for(replace(SITE, options={"intake": {"baseline_window_days": 14}})).baseline_window_days == 14


def test_a_site_without_intake_settings_or_cadences_passes_the_check():
    check_site_settings(_sites())


@pytest.mark.parametrize("window", [-1, 366, "30", True, 1.5])
def test_a_baseline_window_that_is_not_0_to_365_days_stops_the_process_naming_the_site_and_key(window):
    with pytest.raises(SitesFileError, match="site 'mpls': intake.baseline_window_days"):
        check_site_settings(_sites(options={"intake": {"baseline_window_days": window}}))


def test_an_unknown_intake_setting_stops_the_process():
    with pytest.raises(SitesFileError, match="intake.baseline_days: not a setting"):
        check_site_settings(_sites(options={"intake": {"baseline_days": 30}}))


def test_a_program_may_set_a_phq9_cadence_in_weeks():
    catalog = _catalog(cadence={"individual_per_week": 1, "phq9_every_weeks": 2})
    check_site_settings(_sites(programs=catalog))
    assert phq9_every_weeks(catalog["mh-adult"]) == 2


def test_by_default_no_program_sets_a_phq9_cadence():
    assert [code for code, program in parse_catalog(None).items() if phq9_every_weeks(program)] == []


@pytest.mark.parametrize("every", [0, "2", 1.5])
def test_a_phq9_cadence_that_is_not_a_whole_number_of_weeks_stops_the_process(every):
    with pytest.raises(SitesFileError, match=r"programs.mh-adult.cadence.phq9_every_weeks"):
        check_site_settings(_sites(programs=_catalog(cadence={"phq9_every_weeks": every})))


def test_a_program_longer_than_the_apis_52_weeks_stops_the_process():
    with pytest.raises(SitesFileError, match="programs.mh-adult: min_weeks and max_weeks"):
        check_site_settings(_sites(programs=_catalog(max_weeks=60)))
