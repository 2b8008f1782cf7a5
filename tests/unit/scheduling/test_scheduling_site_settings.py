"""Scheduling's settings in the sites file: the catalog's cadences and the overrides, checked at start."""
import pytest

from services.scheduling.domain.site_settings import check_site_settings
from shared.programs import Program, parse_catalog
from shared.sites import Site, Sites, SitesFileError


def sites_with(catalog=None, **scheduling) -> Sites:
    site = Site(id="mpls", name="Minneapolis", timezone="America/Chicago", programs=parse_catalog(catalog),
                options={"scheduling": scheduling} if scheduling else {})
    return Sites({"mpls": site}, {})


def test_a_catalog_program_with_an_impossible_cadence_stops_the_process_naming_it():
    odd = Program("dbt-adult", "DBT IOP", "2.1", "adult", False, planned_weeks=8, weekly_minimum_hours=9,
                  cadence={"individual_per_week": 9}).as_dict()
    with pytest.raises(SitesFileError, match="mpls.*programs.dbt-adult.cadence"):
        check_site_settings(sites_with([odd]))


def test_an_override_for_a_program_outside_the_catalog_stops_the_process():
    with pytest.raises(SitesFileError, match="scheduling.programs.yoga-retreat: not a program"):
        check_site_settings(sites_with(programs={"yoga-retreat": {"med_check": None}}))


def test_a_malformed_override_stops_the_process_naming_it():
    with pytest.raises(SitesFileError, match="scheduling.programs.mh-adult"):
        check_site_settings(sites_with(programs={"mh-adult": {"individual": {"weekday": "someday"}}}))


def test_the_default_catalog_with_valid_overrides_passes():
    check_site_settings(sites_with(programs={"mh-adult": {"individual": {"weekday": "mon", "start_time": "14:00"}}}))
