"""Enrollments: admitting a patient to a program for a planned length, and discharging them.

    active -> completed     (outcome "completed")
    active -> discharged    (any other outcome)

Both ends are final: a second discharge is a 409, and a patient who returns is a new enrollment.

Decisions:
- ``planned_end_date`` is the last day of the program, inclusive: 8 weeks from Monday
  2025-01-06 end on Sunday 2025-03-02 (start + 8*7 - 1 days), so scheduling generates sessions
  from start_date to planned_end_date inclusive and gets exactly 8 weeks.
- Order of checks, everywhere: the request's own fields (422), then the enrollment's state
  (409), then rules that compare the request with the stored enrollment (422). This matches
  an HTTP layer that validates the body before it loads the resource.
- Every program accepts 4 to 26 weeks; bounds are per program so that one can differ.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from shared.errors import Conflict, Invalid, StateMachine
from shared.events import codes
from shared.events.intake import (
    enrollment_admitted,
    enrollment_completed,
    enrollment_discharged,
    enrollment_length_changed,
)
from shared.events.registry import DomainEvent

MIN_WEEKS = 4
MAX_WEEKS = 26


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    kind: str  # "mental_health" or "substance_use"; substance use records fall under 42 CFR Part 2
    population: str  # "adult" or "adolescent"
    default_weeks: int
    level_of_care: str  # ASAM level
    min_weeks: int = MIN_WEEKS
    max_weeks: int = MAX_WEEKS


PROGRAMS: dict[str, Program] = {
    p.code: p
    for p in (
        Program("mh-adult", "Adult mental health IOP", "mental_health", "adult",
                default_weeks=8, level_of_care="2.1"),
        Program("sud-adult", "Adult substance use IOP", "substance_use", "adult",
                default_weeks=12, level_of_care="2.1"),
        Program("adolescent", "Adolescent IOP", "mental_health", "adolescent",
                default_weeks=10, level_of_care="2.1"),
    )
}
PROGRAM_CODES: tuple[str, ...] = tuple(PROGRAMS)

ACTIVE = "active"
COMPLETED = "completed"
DISCHARGED = "discharged"
STATUSES: tuple[str, ...] = (ACTIVE, COMPLETED, DISCHARGED)
ENROLLMENT_MACHINE = StateMachine("enrollment", {ACTIVE: {COMPLETED, DISCHARGED}})


@dataclass(frozen=True)
class EnrollmentPlan:
    program: str
    start_date: date
    planned_weeks: int
    planned_end_date: date
    level_of_care: str
    status: str = ACTIVE


def get_program(program_code: Any) -> Program:
    program = PROGRAMS.get(program_code) if isinstance(program_code, str) else None
    if program is None:
        raise Invalid({"program": [f"must be one of: {', '.join(PROGRAM_CODES)}"]})
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


def plan_enrollment(program_code: str, start_date: date, planned_weeks: int | None = None,
                    level_of_care: str | None = None) -> EnrollmentPlan:
    """Validate an admission; ``planned_weeks`` and ``level_of_care`` default to the program's."""
    program = get_program(program_code)
    weeks = program.default_weeks if planned_weeks is None else planned_weeks
    _check_weeks(weeks, program.min_weeks, program.max_weeks)
    return EnrollmentPlan(program.code, start_date, weeks, planned_end_date(start_date, weeks),
                          level_of_care or program.level_of_care)


def admit(enrollment_id: str, patient_id: str, admission: dict) -> tuple[EnrollmentPlan, DomainEvent]:
    """Check an admission (the fields of an ``Admission`` request) and return its plan and the
    ``intake.enrollment.admitted`` event it causes."""
    plan = plan_enrollment(admission["program"], admission["start_date"], admission.get("planned_weeks"),
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


def _check_outcome(outcome: Any) -> None:
    if outcome not in codes.OUTCOMES:
        raise Invalid({"outcome": [f"must be one of: {', '.join(codes.OUTCOMES)}"]})


def status_after_discharge(outcome: str) -> str:
    _check_outcome(outcome)
    return COMPLETED if outcome == codes.COMPLETED else DISCHARGED


def check_discharge(status: str, start_date: date, discharge_date: date, outcome: str, *, today: date) -> str:
    """Check a discharge and return the enrollment's new status.

    ``Invalid`` ({"outcome": ...}) for an unknown outcome; ``Invalid`` ({"discharge_date": ...})
    for a discharge after ``today`` (the site's today); ``IllegalTransition`` (409) when the
    enrollment is no longer active, e.g. a second discharge; ``Invalid`` ({"discharge_date": ...})
    for a discharge before the start. Discharging on the start day is allowed (a patient can
    leave on day one). A future discharge is refused because it would start aftercare (plan,
    follow-up booking, reconciliation) for a patient who is still attending; a planned
    discharge is recorded on the day it happens.
    """
    new_status = status_after_discharge(outcome)
    if discharge_date > today:
        raise Invalid({"discharge_date": [f"must not be after today {today.isoformat()}"]})
    ENROLLMENT_MACHINE.check(status, new_status)
    if discharge_date < start_date:
        raise Invalid({"discharge_date": [f"must not be before the start date {start_date.isoformat()}"]})
    return new_status


def discharge(enrollment: dict, discharge_date: date, outcome: str, step_down: dict | None, *,
              today: date) -> tuple[str, DomainEvent]:
    """Check the discharge of ``enrollment`` (see :func:`check_discharge`) and return its new
    status and the one event it causes: ``intake.enrollment.completed`` for the outcome
    ``completed`` (it starts aftercare), ``intake.enrollment.discharged`` for any other.
    ``step_down`` is the request's ``{level_of_care, provider}``."""
    new_status = check_discharge(enrollment["status"], enrollment["start_date"], discharge_date, outcome, today=today)
    ended = enrollment_completed if new_status == COMPLETED else enrollment_discharged
    event = ended(
        enrollment_id=enrollment["_id"],
        patient_id=enrollment["patient_id"],
        program=enrollment["program"],
        start_date=enrollment["start_date"],
        discharge_date=discharge_date,
        outcome=outcome,
        step_down={"level_of_care": step_down["level_of_care"], "provider_id": step_down.get("provider")}
        if step_down else None,
    )
    return new_status, event


def change_length(enrollment: dict, planned_weeks: int, today: date) -> tuple[date, DomainEvent]:
    """Check a new planned length of ``enrollment`` (see :func:`change_planned_length`) and return
    its new planned end date and the ``intake.enrollment.length_changed`` event it causes."""
    new_end = change_planned_length(enrollment["status"], enrollment["start_date"], planned_weeks, today,
                                    enrollment["program"])
    event = enrollment_length_changed(
        enrollment_id=enrollment["_id"],
        patient_id=enrollment["patient_id"],
        planned_weeks=planned_weeks,
        planned_end_date=new_end,
        previous_planned_end_date=enrollment["planned_end_date"],
    )
    return new_end, event


def change_planned_length(
    status: str,
    start_date: date,
    new_weeks: int,
    today: date,
    program_code: str | None = None,
) -> date:
    """Check a new planned length and return the new planned end date.

    Bounds are the program's when ``program_code`` is given, else 4 to 26 weeks.
    ``Invalid`` ({"planned_weeks": ...}) for a non-integer or out-of-bounds length;
    ``Conflict`` (409) when the enrollment is not active; ``Invalid`` ({"planned_weeks": ...})
    when the new end would already be in the past (ending today is allowed), because sessions
    that have already happened cannot be un-planned.
    """
    if program_code is None:
        _check_weeks(new_weeks, MIN_WEEKS, MAX_WEEKS)
    else:
        program = get_program(program_code)
        _check_weeks(new_weeks, program.min_weeks, program.max_weeks)
    if status != ACTIVE:
        raise Conflict(f"Only an active enrollment can change its planned length; this one is '{status}'.")
    new_end = planned_end_date(start_date, new_weeks)
    if new_end < today:
        raise Invalid({"planned_weeks": [
            f"the new planned end date {new_end.isoformat()} is before today {today.isoformat()}"
        ]})
    return new_end


def current_enrollment(enrollments: Iterable[dict]) -> dict | None:
    """The enrollment a patient's progress is measured in: the active one with the latest start,
    else the one that started last (a discharged patient's last program), else None.

    Each enrollment is ``{status, start_date}`` with ``start_date`` a date.
    """
    enrollments = list(enrollments)
    active = [e for e in enrollments if e["status"] == ACTIVE]
    candidates = active or enrollments
    return max(candidates, key=lambda e: e["start_date"], default=None)
