"""Aftercare's settings in the sites file, read here and checked when a process starts."""
from services.aftercare.domain.templates import validate_site_overrides
from shared.errors import Invalid
from shared.sites import Site, Sites, SitesFileError

# A site's own plan templates: {program: {outcome: template}}, "*" for any.
TEMPLATES_OPTION = "aftercare_templates"
# Business days a sent referral may wait for the provider's answer; a site may set its own.
ACCEPTANCE_OPTION = "aftercare_referral_acceptance_business_days"
DEFAULT_ACCEPTANCE_BUSINESS_DAYS = 5


def site_templates(site: Site) -> dict | None:
    return site.options.get(TEMPLATES_OPTION)


def acceptance_business_days(site: Site) -> int:
    return site.options.get(ACCEPTANCE_OPTION, DEFAULT_ACCEPTANCE_BUSINESS_DAYS)


def check_site_settings(sites: Sites) -> None:
    """Refuse, naming the site, the first aftercare setting that would fail the events needing it."""
    for site in sites.all():
        templates = site_templates(site)
        if templates is not None:
            try:
                validate_site_overrides(templates)
            except Invalid as error:
                raise SitesFileError(f"site '{site.id}': {TEMPLATES_OPTION}: {error.errors}") from error
        days = acceptance_business_days(site)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise SitesFileError(f"site '{site.id}': {ACCEPTANCE_OPTION} must be a whole number of days, at least 1")
