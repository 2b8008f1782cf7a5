"""Events aftercare consumes, each mapped to one handler ``handler(event, context)`` that names the
event as the cause and calls one use case."""
from collections.abc import Callable

from services.aftercare.use_cases.clinical_tasks import (
    open_intensity_review,
    open_session_note_task,
    open_treatment_plan_task,
    record_note_signed,
    record_plan_activated,
    record_plan_reviewed,
)
from services.aftercare.use_cases.consents import record_consent_granted, record_consent_revoked
from services.aftercare.use_cases.follow_up import (
    record_admission,
    record_discharge_summary,
    record_follow_up_booking,
    record_follow_up_cancellation,
    record_follow_up_visit,
    record_reconciliation,
)
from services.aftercare.use_cases.plans import create_plan_on_discharge
from services.aftercare.use_cases.suicide_risk import record_assessment, record_risk_flag, record_safety_plan
from services.aftercare.use_cases.tasks import raise_outreach, raise_prescriber_review, raise_re_measurement
from shared.cause import Cause
from shared.context import Handler, ServiceContext
from shared.events import Event


def handled_by(use_case: Callable) -> Handler:
    """The handler that calls ``use_case(store, cause, site, event)``; the service acts for the event
    (the context's service is aftercare: bootstrap's SERVICE, which cannot be imported from here
    without a cycle, since bootstrap imports this table)."""
    def handle(event: Event, context: ServiceContext) -> None:
        use_case(context.store, Cause.of_event(event, actor=context.service), context.site(event.site_id), event)

    return handle


HANDLERS: dict[str, Handler] = {
    "intake.enrollment.admitted": handled_by(record_admission),
    "intake.enrollment.completed": handled_by(create_plan_on_discharge),
    "intake.enrollment.discharged": handled_by(create_plan_on_discharge),
    "intake.risk.flagged": handled_by(record_risk_flag),
    "intake.assessment.recorded": handled_by(record_assessment),
    "intake.safety_plan.recorded": handled_by(record_safety_plan),
    "intake.measurement.overdue": handled_by(raise_re_measurement),
    "scheduling.absence.escalated": handled_by(raise_outreach),
    "scheduling.appointment.booked": handled_by(record_follow_up_booking),
    "scheduling.appointment.attended": handled_by(record_follow_up_visit),
    "scheduling.appointment.cancelled": handled_by(record_follow_up_cancellation),
    "medication.side_effect.reported": handled_by(raise_prescriber_review),
    "medication.reconciliation.completed": handled_by(record_reconciliation),
    "intake.consent.granted": handled_by(record_consent_granted),
    "intake.consent.revoked": handled_by(record_consent_revoked),
    "scheduling.intensity.below_minimum": handled_by(open_intensity_review),
    "treatment.plan.review_due": handled_by(open_treatment_plan_task),
    "treatment.plan.activated": handled_by(record_plan_activated),
    "treatment.plan.reviewed": handled_by(record_plan_reviewed),
    "treatment.note.overdue": handled_by(open_session_note_task),
    "treatment.note.signed": handled_by(record_note_signed),
    "treatment.discharge_summary.drafted": handled_by(record_discharge_summary),
}
