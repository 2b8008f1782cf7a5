"""Events medication consumes, each mapped to one handler ``handler(event, context)``."""
from services.medication.reconciliations import reconcile_at_discharge
from services.medication.roster import record_enrollment, record_patient

HANDLERS = {
    "intake.patient.registered": record_patient,
    "intake.enrollment.admitted": record_enrollment,
    "intake.enrollment.completed": reconcile_at_discharge,
    "intake.enrollment.discharged": reconcile_at_discharge,
}
