"""Stanley-Brown safety plans, versioned: each plan written is the patient's next version."""
from flask_smorest import Blueprint

from services.intake.api.schemas import SafetyPlan, SafetyPlanCreate
from services.intake.use_cases import safety_plans
from shared.http.auth import current_site_id
from shared.http.current import current_site, request_cause, store
from shared.http.pagination import page_of_list

blp = Blueprint("safety_plans", __name__, url_prefix="/v1",
                description="Stanley-Brown safety plans (six steps, lethal-means counselling), kept as versions.")


@blp.route("/patients/<patient_id>/safety-plans", methods=["POST"])
@blp.arguments(SafetyPlanCreate)
@blp.response(201, SafetyPlan)
@blp.alt_response(404, description="No such patient at this site.")
@blp.alt_response(422, description="Invalid fields: an empty step 1 or 2, no lethal-means counselling, a "
                                   "counselling after the site's today, or an `enrollment_id` or `assessment_id` "
                                   "that is not this patient's.")
def record_safety_plan(fields, patient_id):
    """Write the patient's safety plan as its next version (1, then n + 1), which becomes the plan
    in force. Emits intake.safety_plan.recorded (ids and the version; the plan's text stays in
    intake): until aftercare has it, and a risk level, the same-day safety task cannot be completed."""
    return safety_plans.record(store(), request_cause(), current_site(), patient_id, fields)


@blp.route("/patients/<patient_id>/safety-plans", methods=["GET"])
@blp.response(200, SafetyPlan(many=True))
@blp.alt_response(404, description="No such patient at this site.")
@blp.paginate()
def list_safety_plans(patient_id, pagination_parameters):
    """Every version of the patient's safety plan, newest first; `current` marks the plan in force."""
    return page_of_list(safety_plans.versions(store(), current_site_id(), patient_id), pagination_parameters)


@blp.route("/safety-plans/<safety_plan_id>", methods=["GET"])
@blp.response(200, SafetyPlan)
@blp.alt_response(404, description="No such safety plan at this site.")
def get_safety_plan(safety_plan_id):
    """One version of a safety plan; `current` tells whether it is still the plan in force."""
    return safety_plans.get(store(), current_site_id(), safety_plan_id)
