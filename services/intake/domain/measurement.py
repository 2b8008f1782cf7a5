"""Re-measurement cadence: a program may ask for a PHQ-9 every N weeks (``cadence.phq9_every_weeks``
in the site's catalog; none by default), and a re-measurement missed is raised once per due date.

Decisions:
- The next PHQ-9 is due N weeks after the later of the episode's last PHQ-9 (the pre-admission
  evaluation included) and the start of the current level of care: a step down starts the new
  program's cadence afresh unless a PHQ-9 was recorded since.
- It is missed once the site's today is after the due date (the due day itself still counts), while
  the enrollment is active and the due date falls within the planned program.
- ``intake.measurement.overdue`` is raised once per enrollment, instrument and due date: the due
  dates raised are kept on the enrollment, so a sweep may run any number of times.
"""
from datetime import date, timedelta

from services.intake.domain.enrollments import ACTIVE, current_period_start
from shared.events.intake import measurement_overdue
from shared.events.registry import DomainEvent

PHQ_9 = "PHQ-9"


def phq9_due_date(every_weeks: int | None, period_start: date, last_phq9: date | None) -> date | None:
    """When the next PHQ-9 is due, or None without a cadence."""
    if not every_weeks:
        return None
    anchor = max(period_start, last_phq9) if last_phq9 is not None else period_start
    return anchor + timedelta(weeks=every_weeks)


def raise_overdue(enrollment: dict, every_weeks: int | None, last_phq9: date | None,
                  today: date) -> tuple[dict, list[DomainEvent]] | None:
    """The enrollment's changes and the ``intake.measurement.overdue`` event when its PHQ-9 due date
    has passed without one and was not raised yet; None otherwise."""
    if enrollment["status"] != ACTIVE:
        return None
    due = phq9_due_date(every_weeks, current_period_start(enrollment), last_phq9)
    if due is None or due >= today or due > enrollment["planned_end_date"]:
        return None
    raised = enrollment.get("measurement_overdue") or []
    if any(entry["instrument"] == PHQ_9 and entry["due_date"] == due for entry in raised):
        return None
    event = measurement_overdue(enrollment_id=enrollment["_id"], patient_id=enrollment["patient_id"],
                                instrument=PHQ_9, due_date=due)
    return {"measurement_overdue": [*raised, {"instrument": PHQ_9, "due_date": due}]}, [event]
