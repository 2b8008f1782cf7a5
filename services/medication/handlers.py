"""Events medication consumes, each mapped to one handler ``handler(event, context)``: it names the
cause and calls one use case. Delivery is at-least-once; every use case here is idempotent by
natural key (patient, enrollment, one reconciliation per enrollment)."""
from services.medication.use_cases import reconciliations, roster
from shared.cause import Cause
from shared.context import ServiceContext
from shared.events import Event


def _cause(event: Event, context: ServiceContext) -> Cause:
    # The service acts: context.service is bootstrap's SERVICE, which handlers cannot import
    # (bootstrap imports this module for its HANDLERS).
    return Cause.of_event(event, actor=context.service)


def record_patient(event: Event, context: ServiceContext) -> None:
    roster.record_patient(context.store, _cause(event, context), event.payload["patient_id"])


def record_enrollment(event: Event, context: ServiceContext) -> None:
    roster.record_enrollment(context.store, _cause(event, context), event.payload, admitted_at=event.occurred_at)


def reconcile_at_discharge(event: Event, context: ServiceContext) -> None:
    reconciliations.reconcile_at_discharge(context.store, _cause(event, context), context.site(event.site_id),
                                           event.payload)


HANDLERS = {
    "intake.patient.registered": record_patient,
    "intake.enrollment.admitted": record_enrollment,
    "intake.enrollment.completed": reconcile_at_discharge,
    "intake.enrollment.discharged": reconcile_at_discharge,
}
