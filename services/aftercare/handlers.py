"""Events aftercare consumes, each mapped to one handler ``handler(event, context)``."""
from services.aftercare.plans import create_plan_for_discharge

HANDLERS = {
    "intake.enrollment.completed": create_plan_for_discharge,
    "intake.enrollment.discharged": create_plan_for_discharge,
}
