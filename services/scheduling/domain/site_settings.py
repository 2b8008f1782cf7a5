"""Scheduling's settings in the sites file, checked when a process starts (a mistake stops it
with the site named, instead of failing each admission that needs the setting): every catalog
program's cadence (``programs[].cadence``) and every ``scheduling.programs`` override, which must
name a program of the catalog."""
from services.scheduling.domain.program_plans import catalog_cadence, program_plan, site_overrides
from shared.sites import Sites, SitesFileError


def check_site_settings(sites: Sites) -> None:
    for site in sites.all():
        for code, program in site.programs.items():
            try:
                catalog_cadence(program)
            except ValueError as error:
                raise SitesFileError(f"site '{site.id}': programs.{code}.cadence: {error}") from error
        for code in site_overrides(site):
            if code not in site.programs:
                raise SitesFileError(f"site '{site.id}': scheduling.programs.{code}: not a program of the site's "
                                     f"catalog ({', '.join(sorted(site.programs))})")
            try:
                program_plan(code, site)
            except (ValueError, TypeError, KeyError) as error:
                raise SitesFileError(f"site '{site.id}': scheduling.programs.{code}: {error}") from error
