"""Events scheduling consumes, each mapped to one handler ``handler(event, context)``.

A handler names the cause (the event, acted on by scheduling) and calls one use case. Delivery
is at-least-once; every use case here is idempotent by natural key or state (use_cases/schedules.py).
"""
from services.scheduling.bootstrap import SERVICE
from services.scheduling.use_cases import patients, schedules
from shared.cause import Cause
from shared.context import ServiceContext
from shared.events import Event


def enrollment_admitted(event: Event, context: ServiceContext) -> None:
    schedules.schedule_admission(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id),
                                 event.payload)


def enrollment_length_changed(event: Event, context: ServiceContext) -> None:
    schedules.change_schedule_length(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id),
                                     event.payload)


def level_of_care_changed(event: Event, context: ServiceContext) -> None:
    schedules.change_level_of_care(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id),
                                   event.payload)


def patient_registered(event: Event, context: ServiceContext) -> None:
    patients.record_patient(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id), event.payload)


def enrollment_completed(event: Event, context: ServiceContext) -> None:
    schedules.complete_enrollment(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id),
                                  event.payload)


def enrollment_discharged(event: Event, context: ServiceContext) -> None:
    schedules.end_schedule(context.store, Cause.of_event(event, SERVICE), context.site(event.site_id), event.payload)


HANDLERS = {
    "intake.patient.registered": patient_registered,
    "intake.enrollment.admitted": enrollment_admitted,
    "intake.enrollment.length_changed": enrollment_length_changed,
    "intake.level_of_care.changed": level_of_care_changed,
    "intake.enrollment.completed": enrollment_completed,
    "intake.enrollment.discharged": enrollment_discharged,
}
