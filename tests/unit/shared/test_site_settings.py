"""A mistake in a service's own site settings stops its processes at start, with the site named."""
import pytest

from services.aftercare.domain.site_settings import check_site_settings as check_aftercare
from services.scheduling.domain.site_settings import check_site_settings as check_scheduling
from shared.sites import Site, Sites, SitesFileError


def sites_with(**options):
    return Sites({"mpls": Site(id="mpls", name="Minneapolis", timezone="America/Chicago", options=options)}, {})


def test_an_aftercare_template_with_an_unknown_task_kind_is_refused():
    bad = {"*": {"completed": {"name": "x", "tasks": [{"kind": "party", "owner_role": "x", "due": {"calendar_days": 1}}]}}}
    with pytest.raises(SitesFileError, match="mpls.*aftercare_templates"):
        check_aftercare(sites_with(aftercare_templates=bad))


def test_a_referral_acceptance_delay_below_one_day_is_refused():
    with pytest.raises(SitesFileError, match="aftercare_referral_acceptance_business_days"):
        check_aftercare(sites_with(aftercare_referral_acceptance_business_days=0))


def test_a_scheduling_program_with_an_impossible_cadence_is_refused():
    bad = {"programs": {"mh-adult": {"individual": {"weekday": "someday"}}}}
    with pytest.raises(SitesFileError, match="scheduling.programs.mh-adult"):
        check_scheduling(sites_with(scheduling=bad))


def test_the_demo_sites_pass_both_checks(sites):
    check_aftercare(sites)
    check_scheduling(sites)
