"""Events scheduling consumes, each mapped to one handler ``handler(event, context)``.

Delivery is at-least-once; every handler is idempotent by natural key or state (see schedules.py).
"""
from services.scheduling.follow_ups import book_follow_up
from services.scheduling.schedules import change_schedule_length, end_schedule, schedule_admission
from shared.context import ServiceContext
from shared.events import Event


def complete_enrollment(event: Event, context: ServiceContext) -> None:
    """A completed program ends the schedule and starts aftercare with the follow-up booking."""
    end_schedule(event, context)
    book_follow_up(event, context)


HANDLERS = {
    "intake.enrollment.admitted": schedule_admission,
    "intake.enrollment.length_changed": change_schedule_length,
    "intake.enrollment.completed": complete_enrollment,
    "intake.enrollment.discharged": end_schedule,
}
