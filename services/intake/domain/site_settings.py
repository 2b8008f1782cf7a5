"""Intake's settings in the sites file, read here and checked when a process starts (a mistake stops it
with the site named, instead of failing each request that needs it).

Under the key ``intake`` (every key optional; an absent one keeps its default)::

    "intake": {
        "baseline_window_days": 30    # an evaluation this many days before admission is still the
    }                                 # episode's baseline (0: only assessments from admission on)

and, in each program of the site's catalog (``programs[].cadence``, shared/programs.py)::

    "cadence": {"phq9_every_weeks": 2}   # a PHQ-9 is due every 2 weeks; absent or null: no cadence

Intake also checks that every program's length fits the bounds its API states (1 to 52 weeks).
"""
from dataclasses import dataclass

from services.intake.domain.enrollments import MAX_WEEKS, MIN_WEEKS
from shared.programs import Program
from shared.sites import Site, Sites, SitesFileError

OPTION = "intake"
PHQ9_CADENCE = "phq9_every_weeks"
MAX_BASELINE_WINDOW_DAYS = 365


@dataclass(frozen=True)
class IntakeSettings:
    baseline_window_days: int = 30


KEYS = ("baseline_window_days",)


def settings_for(site: Site) -> IntakeSettings:
    """The site's intake settings, defaults where it sets none (checked at start)."""
    given = site.options.get(OPTION) or {}
    return IntakeSettings(**{key: value for key, value in given.items() if key in KEYS})


def phq9_every_weeks(program: Program | None) -> int | None:
    """The program's PHQ-9 re-measurement cadence in weeks; None when it sets none (checked at start)."""
    return (program.cadence or {}).get(PHQ9_CADENCE) if program is not None else None


def check_site_settings(sites: Sites) -> None:
    """Refuse, naming the site and the key, the first intake setting that could not work."""
    for site in sites.all():
        for message in [*_option_faults(site.options.get(OPTION)), *_catalog_faults(site)]:
            raise SitesFileError(f"site '{site.id}': {message}")


def _option_faults(given) -> list[str]:
    if given is None:
        return []
    if not isinstance(given, dict):
        return [f"{OPTION} must be an object"]
    faults = [f"{OPTION}.{key}: not a setting (known: {', '.join(KEYS)})" for key in given if key not in KEYS]
    window = given.get("baseline_window_days", 0)
    if not _whole(window) or not 0 <= window <= MAX_BASELINE_WINDOW_DAYS:
        faults.append(f"{OPTION}.baseline_window_days: a whole number of days from 0 to {MAX_BASELINE_WINDOW_DAYS}")
    return faults


def _catalog_faults(site: Site) -> list[str]:
    faults = []
    for code, program in site.programs.items():
        if not MIN_WEEKS <= program.min_weeks <= program.max_weeks <= MAX_WEEKS:
            faults.append(f"programs.{code}: min_weeks and max_weeks must lie within {MIN_WEEKS}..{MAX_WEEKS}")
        every = phq9_every_weeks(program)
        if every is not None and (not _whole(every) or every < 1):
            faults.append(f"programs.{code}.cadence.{PHQ9_CADENCE}: a whole number of weeks, at least 1, or null")
    return faults


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
