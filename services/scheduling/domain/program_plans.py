"""Which recurring sessions a program adds to its group, and its weekly-hours minimum.

Defaults follow DOMAIN.md: one individual therapy a week, a medication check-in every two
weeks, and at least 9 scheduled hours a week (6 for adolescents, ASAM level 2.1). A site
overrides them per program in its sites-file entry::

    "scheduling": {"programs": {"sud-adult": {
        "individual": {"weekday": "mon", "start_time": "14:00", "duration_minutes": 50, "every_weeks": 1},
        "med_check": null,
        "minimum_weekly_hours": 9}}}

``null`` leaves that kind of session out; an absent key keeps the default. A malformed
override is a configuration error (ValueError), not a client's.
"""
from dataclasses import dataclass, fields

from services.scheduling.domain.groups import parse_start_time
from services.scheduling.domain.schedule import MINIMUM_WEEKLY_HOURS, IndividualPlan, MedCheckPlan
from shared.errors import Invalid

# Adolescent IOPs run from 6 hours a week (ASAM 2.1); the program code is intake's.
DEFAULT_MINIMUM_HOURS_BY_PROGRAM = {"adolescent": 6.0}


@dataclass(frozen=True)
class ProgramPlan:
    individual: IndividualPlan | None
    med_check: MedCheckPlan | None
    minimum_weekly_hours: float


def _recurrence(plan_class, override):
    if override is None:
        return None
    known = {field.name for field in fields(plan_class)}
    if not isinstance(override, dict) or not set(override) <= known:
        raise ValueError(f"a {plan_class.__name__} override takes only {sorted(known)}")
    values = dict(override)
    if "start_time" in values:
        values["start_time"] = parse_start_time(values["start_time"])
    try:
        return plan_class(**values)
    except Invalid as error:
        raise ValueError(f"bad {plan_class.__name__} override: {error.errors}") from error


def program_plan(program: str, site_options: dict) -> ProgramPlan:
    """The plan for ``program`` at a site, from the site's ``options`` (``Site.options``)."""
    override = ((site_options.get("scheduling") or {}).get("programs") or {}).get(program) or {}
    return ProgramPlan(
        individual=_recurrence(IndividualPlan, override["individual"]) if "individual" in override else IndividualPlan(),
        med_check=_recurrence(MedCheckPlan, override["med_check"]) if "med_check" in override else MedCheckPlan(),
        minimum_weekly_hours=float(override.get(
            "minimum_weekly_hours", DEFAULT_MINIMUM_HOURS_BY_PROGRAM.get(program, MINIMUM_WEEKLY_HOURS))),
    )
