"""Enrollments: admitting a patient to a program of the site's catalog for a planned length, moving
them between levels of care inside the one episode, and discharging them.

    active -> completed     (outcome "completed")
    active -> discharged    (any other outcome)

Both ends are final: a second discharge is a 409, and a patient who returns is a new enrollment.

Decisions:
- Programs are the site's catalog (``site.programs``, shared/programs.py): the program's code, its
  length (default ``planned_weeks``, bounds ``min_weeks``..``max_weeks``) and its level of care all
  come from there, so the same code may mean different lengths at two sites.
- ``planned_end_date`` is the last day of the program, inclusive: 8 weeks from Monday
  2025-01-06 end on Sunday 2025-03-02 (start + 8*7 - 1 days), so scheduling generates sessions
  from start_date to planned_end_date inclusive and gets exactly 8 weeks.
- An episode is a list of periods ``{program, level_of_care, start_date, end_date, reason}``: one
  at admission, one more at each change of level of care (a step down from PHP to IOP is not a
  discharge). The last period is the current one; the enrollment's ``program``, ``level_of_care``,
  ``planned_weeks`` and ``planned_end_date`` are the current period's: a change plans the new
  program's ``planned_weeks`` from its effective date. A period ends the day before the next
  starts, and the discharge date ends the last one.
- Order of checks, everywhere: the request's own fields (422), then the enrollment's state
  (409), then rules that compare the request with the stored enrollment (422). This matches
  an HTTP layer that validates the body before it loads the resource.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from shared.errors import Conflict, Invalid, StateMachine
from shared.events import codes
from shared.events.intake import (
    enrollment_admitted,
    enrollment_completed,
    enrollment_discharged,
    enrollment_length_changed,
    level_of_care_changed,
)
from shared.events.registry import DomainEvent
from shared.programs import Program
from shared.provider_names import provider_code

# The outer bounds of any program's length, which the API states; a catalog's own bounds lie
# within them (checked at start, domain/site_settings.py).
MIN_WEEKS = 1
MAX_WEEKS = 52
# How far ahead a change of level of care may be recorded: a step down is usually agreed at a
# review a week or two before it happens; further ahead it is a plan, not a change.
LEVEL_CHANGE_DAYS_AHEAD = 30

ACTIVE = "active"
COMPLETED = "completed"
DISCHARGED = "discharged"
STATUSES: tuple[str, ...] = (ACTIVE, COMPLETED, DISCHARGED)
ENROLLMENT_MACHINE = StateMachine("enrollment", {ACTIVE: {COMPLETED, DISCHARGED}})

# Each outcome as the national discharge data set (TEDS-D, SAMHSA) codes its reason for discharge.
TEDS_D_REASONS: dict[str, tuple[int, str]] = {
    "completed": (1, "Treatment completed"),
    "against_advice": (2, "Dropped out of treatment (left against professional advice)"),
    "administrative": (3, "Terminated by facility"),
    "transferred": (4, "Transferred to another treatment program or facility"),
    "incarcerated": (5, "Incarcerated"),
    "death": (6, "Death"),
    "other": (7, "Other"),
}


@dataclass(frozen=True)
class EnrollmentPlan:
    program: str
    start_date: date
    planned_weeks: int
    planned_end_date: date
    level_of_care: str
    status: str = ACTIVE

    @property
    def periods(self) -> list[dict]:
        return [period(self.program, self.level_of_care, self.start_date)]


def period(program: str, level_of_care: str | None, start_date: date, reason: str | None = None) -> dict:
    """A period of the episode at one level of care, open (``end_date`` None) until the next one."""
    return {"program": program, "level_of_care": level_of_care, "start_date": start_date, "end_date": None,
            "reason": reason}


def get_program(catalog: Mapping[str, Program], program_code: Any) -> Program:
    """The catalog's program of this code; ``Invalid`` on ``program`` naming the site's codes."""
    program = catalog.get(program_code) if isinstance(program_code, str) else None
    if program is None:
        raise Invalid({"program": [f"must be one of the site's programs: {', '.join(catalog)}"]})
    return program


def _check_weeks(weeks: Any, min_weeks: int, max_weeks: int) -> None:
    # bool is an int to Python, not a length of treatment.
    if not isinstance(weeks, int) or isinstance(weeks, bool):
        raise Invalid({"planned_weeks": ["must be an integer"]})
    if not min_weeks <= weeks <= max_weeks:
        raise Invalid({"planned_weeks": [f"must be between {min_weeks} and {max_weeks}"]})


def planned_end_date(start_date: date, planned_weeks: int) -> date:
    """The last day of the program (inclusive): start + weeks*7 - 1 day."""
    if planned_weeks < 1:
        raise ValueError("planned_weeks must be at least 1")
    return start_date + timedelta(days=planned_weeks * 7 - 1)


def plan_enrollment(catalog: Mapping[str, Program], program_code: str, start_date: date,
                    planned_weeks: int | None = None, level_of_care: str | None = None) -> EnrollmentPlan:
    """Validate an admission; ``planned_weeks`` defaults to the program's and must lie within its
    bounds. The level of care is the program's: a ``level_of_care`` given (an older client's field)
    must be that one."""
    program = get_program(catalog, program_code)
    weeks = program.planned_weeks if planned_weeks is None else planned_weeks
    _check_weeks(weeks, program.min_weeks, program.max_weeks)
    if level_of_care is not None and level_of_care != program.level_of_care:
        raise Invalid({"level_of_care": [
            f"comes from the program: {program.code} is level {program.level_of_care}; leave it out"]})
    return EnrollmentPlan(program.code, start_date, weeks, planned_end_date(start_date, weeks), program.level_of_care)


def admit(catalog: Mapping[str, Program], enrollment_id: str, patient_id: str,
          admission: dict) -> tuple[EnrollmentPlan, DomainEvent]:
    """Check an admission (the fields of an ``Admission`` request) against the site's catalog and
    return its plan and the ``intake.enrollment.admitted`` event it causes."""
    plan = plan_enrollment(catalog, admission["program"], admission["start_date"], admission.get("planned_weeks"),
                           admission.get("level_of_care"))
    event = enrollment_admitted(
        enrollment_id=enrollment_id,
        patient_id=patient_id,
        program=plan.program,
        level_of_care=plan.level_of_care,
        start_date=plan.start_date,
        planned_weeks=plan.planned_weeks,
        planned_end_date=plan.planned_end_date,
        group_id=admission.get("group_id"),
    )
    return plan, event


def periods_of(enrollment: dict) -> list[dict]:
    """The episode's periods; an enrollment stored before periods were kept has one, its whole stay."""
    if enrollment.get("periods"):
        return enrollment["periods"]
    ended = enrollment.get("discharge")
    return [{**period(enrollment["program"], enrollment.get("level_of_care"), enrollment["start_date"]),
             "end_date": ended["date"] if ended else None}]


def current_period_start(enrollment: dict) -> date:
    return periods_of(enrollment)[-1]["start_date"]


def _check_outcome(outcome: Any) -> None:
    if outcome not in codes.OUTCOMES:
        raise Invalid({"outcome": [f"must be one of: {', '.join(codes.OUTCOMES)}"]})


def status_after_discharge(outcome: str) -> str:
    _check_outcome(outcome)
    return COMPLETED if outcome == codes.COMPLETED else DISCHARGED


def check_discharge(status: str, start_date: date, discharge_date: date, outcome: str, *, today: date) -> str:
    """Check a discharge and return the enrollment's new status.

    ``start_date`` is the start of the current period (the admission's, without a change of level
    of care). ``Invalid`` ({"outcome": ...}) for an unknown outcome; ``Invalid``
    ({"discharge_date": ...}) for a discharge after ``today`` (the site's today);
    ``IllegalTransition`` (409) when the enrollment is no longer active, e.g. a second discharge;
    ``Invalid`` ({"discharge_date": ...}) for a discharge before the start. Discharging on the start
    day is allowed (a patient can leave on day one). A future discharge is refused because it would
    start aftercare (plan, follow-up booking, reconciliation) for a patient who is still attending;
    a planned discharge is recorded on the day it happens.
    """
    new_status = status_after_discharge(outcome)
    if discharge_date > today:
        raise Invalid({"discharge_date": [f"must not be after today {today.isoformat()}"]})
    ENROLLMENT_MACHINE.check(status, new_status)
    if discharge_date < start_date:
        raise Invalid({"discharge_date": [f"must not be before the start date {start_date.isoformat()}"]})
    return new_status


def discharge(enrollment: dict, discharge_date: date, outcome: str, step_down: dict | None, *,
              today: date) -> tuple[dict, DomainEvent]:
    """Check the discharge of ``enrollment`` (see :func:`check_discharge`) and return its changes
    (``status``, the periods with the last one ended on the discharge date) and the one event it
    causes: ``intake.enrollment.completed`` for the outcome ``completed`` (it starts aftercare, with
    the current program), ``intake.enrollment.discharged`` for any other. ``step_down`` is the
    request's ``{level_of_care, provider}``: a provider given as a directory code travels as it is,
    a name a clinician typed as its name code (``shared.provider_names``), never as its text."""
    periods = periods_of(enrollment)
    new_status = check_discharge(enrollment["status"], periods[-1]["start_date"], discharge_date, outcome, today=today)
    ended = enrollment_completed if new_status == COMPLETED else enrollment_discharged
    event = ended(
        enrollment_id=enrollment["_id"],
        patient_id=enrollment["patient_id"],
        program=enrollment["program"],
        start_date=enrollment["start_date"],
        discharge_date=discharge_date,
        outcome=outcome,
        step_down={"level_of_care": step_down["level_of_care"],
                   "provider_id": provider_code(step_down["provider"]) if step_down.get("provider") else None}
        if step_down else None,
    )
    return {"status": new_status, "periods": [*periods[:-1], {**periods[-1], "end_date": discharge_date}]}, event


def change_length(catalog: Mapping[str, Program], enrollment: dict, planned_weeks: int,
                  today: date) -> tuple[date, DomainEvent]:
    """Check a new planned length of ``enrollment`` (see :func:`change_planned_length`), counted from
    the start of its current period, and return its new planned end date and the
    ``intake.enrollment.length_changed`` event it causes."""
    new_end = change_planned_length(enrollment["status"], current_period_start(enrollment), planned_weeks, today,
                                    catalog.get(enrollment["program"]))
    event = enrollment_length_changed(
        enrollment_id=enrollment["_id"],
        patient_id=enrollment["patient_id"],
        planned_weeks=planned_weeks,
        planned_end_date=new_end,
        previous_planned_end_date=enrollment["planned_end_date"],
    )
    return new_end, event


def change_planned_length(status: str, start_date: date, new_weeks: int, today: date,
                          program: Program | None = None) -> date:
    """Check a new planned length and return the new planned end date.

    Bounds are the program's; 1 to 52 weeks for a program the catalog no longer lists.
    ``Invalid`` ({"planned_weeks": ...}) for a non-integer or out-of-bounds length;
    ``Conflict`` (409) when the enrollment is not active; ``Invalid`` ({"planned_weeks": ...})
    when the new end would already be in the past (ending today is allowed), because sessions
    that have already happened cannot be un-planned.
    """
    if program is None:
        _check_weeks(new_weeks, MIN_WEEKS, MAX_WEEKS)
    else:
        _check_weeks(new_weeks, program.min_weeks, program.max_weeks)
    if status != ACTIVE:
        raise Conflict(f"Only an active enrollment can change its planned length; this one is '{status}'.")
    new_end = planned_end_date(start_date, new_weeks)
    if new_end < today:
        raise Invalid({"planned_weeks": [
            f"the new planned end date {new_end.isoformat()} is before today {today.isoformat()}"
        ]})
    return new_end


def change_level_of_care(catalog: Mapping[str, Program], enrollment: dict, program_code: str, effective_date: date,
                         reason: str | None, *, today: date) -> tuple[dict, DomainEvent]:
    """Move an active enrollment to another program of the site from ``effective_date`` (a step down
    from PHP to IOP, or a step up), without a discharge; return its changes and the
    ``intake.level_of_care.changed`` event.

    ``Invalid`` ({"program": ...}) for a code not in the catalog; ``Conflict`` (409) for an enrollment
    no longer active; ``Invalid`` ({"program": ...}) for its current program; ``Invalid``
    ({"effective_date": ...}) unless the date falls after the current period's start (a period
    lasts at least a day) and at most 30 days after ``today``. The current period ends the day
    before; the new one plans the new program's ``planned_weeks`` from ``effective_date``.
    """
    program = get_program(catalog, program_code)
    if enrollment["status"] != ACTIVE:
        raise Conflict(f"Only an active enrollment can change its level of care; this one is "
                       f"'{enrollment['status']}'.")
    periods = periods_of(enrollment)
    current = periods[-1]
    if program.code == current["program"]:
        raise Invalid({"program": [f"is the enrollment's current program ({program.code})"]})
    latest = today + timedelta(days=LEVEL_CHANGE_DAYS_AHEAD)
    if not current["start_date"] < effective_date <= latest:
        raise Invalid({"effective_date": [
            f"must fall after the current period's start {current['start_date'].isoformat()} and at most "
            f"{LEVEL_CHANGE_DAYS_AHEAD} days after today ({latest.isoformat()})"]})
    new_end = planned_end_date(effective_date, program.planned_weeks)
    event = level_of_care_changed(
        enrollment_id=enrollment["_id"], patient_id=enrollment["patient_id"],
        program=program.code, previous_program=current["program"],
        level_of_care=program.level_of_care, previous_level_of_care=current["level_of_care"],
        effective_date=effective_date, planned_end_date=new_end,
    )
    return {
        "program": program.code,
        "level_of_care": program.level_of_care,
        "planned_weeks": program.planned_weeks,
        "planned_end_date": new_end,
        "periods": [*periods[:-1], {**current, "end_date": effective_date - timedelta(days=1)},
                    period(program.code, program.level_of_care, effective_date, reason)],
    }, event


def current_enrollment(enrollments: Iterable[dict]) -> dict | None:
    """The enrollment a patient's progress is measured in: the active one with the latest start,
    else the one that started last (a discharged patient's last program), else None.

    Each enrollment is ``{status, start_date}`` with ``start_date`` a date.
    """
    enrollments = list(enrollments)
    active = [e for e in enrollments if e["status"] == ACTIVE]
    candidates = active or enrollments
    return max(candidates, key=lambda e: e["start_date"], default=None)
