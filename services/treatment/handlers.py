"""Events treatment consumes, each mapped to one handler ``handler(event, context)`` that names the
event as the cause and calls one use case. Delivery is at-least-once; each use case is idempotent
by natural key: the enrollment's one record (admission, diagnoses latest-wins, level-of-care
changes by effective day and program), one note per session and patient (latest attendance wins),
one group session per group meeting, one discharge summary per enrollment."""
from collections.abc import Callable

from services.treatment.use_cases.enrollments import record_admission, record_diagnoses, record_level_of_care_change
from services.treatment.use_cases.notes import record_attendance
from services.treatment.use_cases.summaries import draft_at_discharge
from shared.cause import Cause
from shared.context import Handler, ServiceContext
from shared.events import Event


def handled_by(use_case: Callable) -> Handler:
    """The handler that calls ``use_case(store, cause, site, event)``; the service acts for the event
    (the context's service is treatment: bootstrap's SERVICE, which cannot be imported from here
    without a cycle, since bootstrap imports this table)."""
    def handle(event: Event, context: ServiceContext) -> None:
        use_case(context.store, Cause.of_event(event, actor=context.service), context.site(event.site_id), event)

    return handle


HANDLERS: dict[str, Handler] = {
    "intake.enrollment.admitted": handled_by(record_admission),
    "intake.diagnoses.updated": handled_by(record_diagnoses),
    "intake.level_of_care.changed": handled_by(record_level_of_care_change),
    "intake.enrollment.completed": handled_by(draft_at_discharge),
    "intake.enrollment.discharged": handled_by(draft_at_discharge),
    "scheduling.attendance.recorded": handled_by(record_attendance),
}
