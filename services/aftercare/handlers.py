"""Events aftercare consumes, each mapped to one handler ``handler(event, context)``."""
from services.aftercare.case_management import raise_outreach, raise_prescriber_review, raise_safety_screening
from services.aftercare.follow_through import (
    record_admission,
    record_follow_up_booking,
    record_follow_up_cancellation,
    record_follow_up_visit,
    record_reconciliation,
)
from services.aftercare.plans import create_plan_for_discharge

HANDLERS = {
    "intake.enrollment.admitted": record_admission,
    "intake.enrollment.completed": create_plan_for_discharge,
    "intake.enrollment.discharged": create_plan_for_discharge,
    "intake.risk.flagged": raise_safety_screening,
    "scheduling.absence.escalated": raise_outreach,
    "scheduling.appointment.booked": record_follow_up_booking,
    "scheduling.appointment.attended": record_follow_up_visit,
    "scheduling.appointment.cancelled": record_follow_up_cancellation,
    "medication.side_effect.reported": raise_prescriber_review,
    "medication.reconciliation.completed": record_reconciliation,
}
