"""Scheduling's settings in the sites file, checked when a process starts (a mistake stops it
with the site named, instead of failing each admission that needs the setting)."""
from services.scheduling.domain.program_plans import program_plan
from shared.sites import Sites, SitesFileError


def check_site_settings(sites: Sites) -> None:
    for site in sites.all():
        programs = ((site.options.get("scheduling") or {}).get("programs") or {})
        for program in programs:
            try:
                program_plan(program, site.options)
            except (ValueError, TypeError, KeyError) as error:
                raise SitesFileError(f"site '{site.id}': scheduling.programs.{program}: {error}") from error
