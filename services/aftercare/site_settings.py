"""Aftercare's settings in the sites file, checked when a process starts."""
from services.aftercare.domain.templates import validate_site_overrides
from services.aftercare.sweeps import ACCEPTANCE_OPTION, DEFAULT_ACCEPTANCE_BUSINESS_DAYS
from shared.errors import Invalid
from shared.sites import Sites, SitesFileError


def check_site_settings(sites: Sites) -> None:
    for site in sites.all():
        templates = site.options.get("aftercare_templates")
        if templates is not None:
            try:
                validate_site_overrides(templates)
            except Invalid as error:
                raise SitesFileError(f"site '{site.id}': aftercare_templates: {error.errors}") from error
        days = site.options.get(ACCEPTANCE_OPTION, DEFAULT_ACCEPTANCE_BUSINESS_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise SitesFileError(f"site '{site.id}': {ACCEPTANCE_OPTION} must be a whole number of days, at least 1")
