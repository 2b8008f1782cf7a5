"""Which recurring sessions a program adds to its group, and the weekly minimum of attended hours.

Two layers, the second over the first:

1. The site's program catalog (``site.programs``, shared/programs.py) says how often and how much:
   ``cadence.individual_per_week`` (individual therapy sessions a week, 0 for none),
   ``cadence.medication_check_in_every_weeks`` (a check-in every N weeks, 0 or null for none) and
   ``weekly_minimum_hours``. A program the catalog does not list (an enrollment admitted before the
   catalog changed) gets one individual session a week, a check-in every two weeks and 9 hours.
2. The site's ``scheduling.programs.<code>`` overrides say when, and may still say how often::

    "scheduling": {"programs": {"sud-adult": {
        "individual": {"weekday": "mon", "start_time": "14:00", "duration_minutes": 50},
        "med_check": null,
        "minimum_weekly_hours": 9}}}

   ``individual.weekday`` moves the first individual session of the week (the others keep the
   default days), ``individual.weekdays`` names every day (and so how many a week);
   ``start_time``, ``duration_minutes`` replace the defaults; ``every_weeks`` (given) wins over the
   catalog's frequency; ``null`` leaves that kind of session out; ``minimum_weekly_hours`` wins
   over the catalog's minimum. An absent key keeps the catalog's cadence and the default times.

Individual sessions of a week fall on Tuesday, then Friday, Monday, Wednesday, Thursday, Saturday,
Sunday, at 13:00 for 50 minutes; the check-in on Thursday at 13:00 for 30 minutes. A malformed
cadence or override is a configuration error (ValueError), not a client's.
"""
from dataclasses import dataclass, fields

from services.scheduling.domain.groups import parse_start_time
from services.scheduling.domain.schedule import MINIMUM_WEEKLY_HOURS, IndividualPlan, MedCheckPlan
from shared.business_days import WEEKDAYS
from shared.errors import Invalid
from shared.programs import Program
from shared.sites import Site

# The days individual therapy takes, in the order a program with more sessions a week adds them.
INDIVIDUAL_WEEKDAYS = ("tue", "fri", "mon", "wed", "thu", "sat", "sun")
DEFAULT_CADENCE = {"individual_per_week": 1, "medication_check_in_every_weeks": 2}


@dataclass(frozen=True)
class ProgramPlan:
    individual: IndividualPlan | None
    med_check: MedCheckPlan | None
    minimum_weekly_hours: float

    @property
    def minimum_weekly_minutes(self) -> int:
        return round(self.minimum_weekly_hours * 60)


@dataclass(frozen=True)
class Cadence:
    """What the catalog says: individual sessions a week, and a check-in every N weeks (0: none)."""

    individual_per_week: int
    medication_check_in_every_weeks: int


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def catalog_cadence(program: Program | None) -> Cadence:
    """A catalog program's cadence; ValueError names what is malformed."""
    raw = {**DEFAULT_CADENCE, **(program.cadence if program is not None else {})}
    unknown = set(raw) - set(DEFAULT_CADENCE) - {"phq9_every_weeks"}  # intake reads that key (re-measurement)
    if unknown:
        raise ValueError(f"unknown cadence fields {sorted(unknown)}")
    individual, check_in = raw["individual_per_week"], raw["medication_check_in_every_weeks"] or 0
    if not _whole(individual) or not 0 <= individual <= len(WEEKDAYS):
        raise ValueError("individual_per_week must be a whole number from 0 to 7")
    if not _whole(check_in) or check_in < 0:
        raise ValueError("medication_check_in_every_weeks must be a whole number of weeks, 0 or null for none")
    return Cadence(individual, check_in)


def _individual_days(count: int, override: dict) -> tuple[str, ...]:
    if "weekdays" in override:
        return tuple(override["weekdays"]) if isinstance(override["weekdays"], list) else override["weekdays"]
    first = override.get("weekday")
    order = INDIVIDUAL_WEEKDAYS if first is None else (first, *[day for day in INDIVIDUAL_WEEKDAYS if day != first])
    return tuple(order[:count])


def _recurrence(plan_class, override, defaults: dict):
    """The plan of one kind of session: ``defaults`` from the catalog, the site's override over them."""
    if override is None:
        return None
    known = {field.name for field in fields(plan_class)} | {"weekday", "weekdays"}
    if not isinstance(override, dict) or not set(override) <= known:
        raise ValueError(f"a {plan_class.__name__} override takes only {sorted(known - {'weekdays'})} "
                         "(individual also weekdays)")
    values = {**defaults, **{key: value for key, value in override.items() if key not in ("weekday", "weekdays")}}
    if "start_time" in values:
        values["start_time"] = parse_start_time(values["start_time"])
    try:
        return plan_class(**values)
    except Invalid as error:
        raise ValueError(f"bad {plan_class.__name__} override: {error.errors}") from error


def _individual(cadence: Cadence, overrides: dict) -> IndividualPlan | None:
    override = overrides.get("individual", {})
    if override is None:
        return None
    if not isinstance(override, dict):
        raise ValueError("an IndividualPlan override is an object or null")
    days = _individual_days(cadence.individual_per_week, override)
    if not days:
        return None
    return _recurrence(IndividualPlan, override, {"weekdays": days})


def _med_check(cadence: Cadence, overrides: dict) -> MedCheckPlan | None:
    override = overrides.get("med_check", {})
    if override is None:
        return None
    if not isinstance(override, dict):
        raise ValueError("a MedCheckPlan override is an object or null")
    if "weekdays" in override:
        raise ValueError("a MedCheckPlan override names one weekday")
    every_weeks = override.get("every_weeks", cadence.medication_check_in_every_weeks)
    if every_weeks == 0:
        return None
    defaults = {"every_weeks": every_weeks, **({"weekday": override["weekday"]} if "weekday" in override else {})}
    return _recurrence(MedCheckPlan, override, defaults)


def site_overrides(site: Site) -> dict:
    """The site's ``scheduling.programs`` overrides, by program code."""
    return ((site.options.get("scheduling") or {}).get("programs") or {})


def program_plan(program: str, site: Site) -> ProgramPlan:
    """The plan for ``program`` at ``site``: its catalog entry, the site's overrides over it."""
    entry = site.programs.get(program)
    overrides = site_overrides(site).get(program) or {}
    if not isinstance(overrides, dict):
        raise ValueError("a program's override is an object")
    cadence = catalog_cadence(entry)
    minimum = entry.weekly_minimum_hours if entry is not None else MINIMUM_WEEKLY_HOURS
    return ProgramPlan(
        individual=_individual(cadence, overrides),
        med_check=_med_check(cadence, overrides),
        minimum_weekly_hours=float(overrides.get("minimum_weekly_hours", minimum)),
    )
