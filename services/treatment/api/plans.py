"""Treatment plans: drafted for an enrollment, edited while a draft, signed into force, revised into
new versions and reviewed. Events carry ids, the version and dates only, never the plan's text."""
from flask_smorest import Blueprint

from services.treatment.api.schemas import Plan, PlanContent, PlanCreate, PlanQuery, ReviewCreate, SignatureCreate
from services.treatment.use_cases import plans
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("plans", __name__, url_prefix="/v1/plans",
                description="Individualized treatment plans, one in force per enrollment, versioned.")

CONTENT_EXAMPLE = {
    "problems": [{
        "id": "0d6f5a8e-2c1b-4f3e-9a7d-5b8c9e0f1a2b", "description": "Panic attacks keep the patient from work",
        "diagnosis_code": "F41.0",
        "goals": [{"description": "Return to work without avoidance", "objectives": [{
            "description": "Uses a breathing skill at the onset of panic, 5 days in 7",
            "target_date": "2026-12-15", "measure": "panic diary reviewed weekly"}]}],
    }],
    "interventions": [{"modality": "group", "description": "CBT skills group", "frequency": "3 times a week",
                       "responsible_role": "group_facilitator"}],
}


@blp.route("", methods=["POST"])
@blp.arguments(PlanCreate, example={"enrollment_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7"})
@blp.response(201, Plan)
@blp.alt_response(409, description="The enrollment has a plan already, or has ended.")
@blp.alt_response(422, description="Invalid fields, or `enrollment_id` names no enrollment of this site known yet.")
def create_plan(fields):
    """Draft version 1 of an enrollment's plan: one problem per diagnosis intake has reported
    (primary first), to be described and given goals, objectives and interventions."""
    return plans.create_plan(store(), request_cause(), current_site(), fields["enrollment_id"])


@blp.route("", methods=["GET"])
@blp.arguments(PlanQuery, location="query")
@blp.response(200, Plan(many=True))
@blp.paginate()
def list_plans(query, pagination_parameters):
    """The site's plans, every version, newest version first; filter by enrollment, patient, status."""
    return page_of(store().plans, {"site_id": current_site_id(), **query},
                   [("enrollment_id", 1), ("plan_version", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<plan_id>", methods=["GET"])
@blp.response(200, Plan)
def get_plan(plan_id):
    """One version of a plan with its signatures and reviews."""
    return find_at_site(store().plans, plan_id, "treatment plan")


@blp.route("/<plan_id>", methods=["PUT"])
@blp.arguments(PlanContent, example=CONTENT_EXAMPLE)
@blp.response(200, Plan)
@blp.alt_response(409, description="The plan is active or superseded: revise it into a new version instead.")
@blp.alt_response(422, description="Invalid fields, an id that is not this draft's, or a diagnosis code that is "
                                   "not the enrollment's.")
def edit_plan(fields, plan_id):
    """Replace the draft's problems (with their goals and measurable objectives) and interventions.
    Give an item's `id` to keep it; leave it out for a new item. Signatures already given are
    cleared: they signed other content."""
    return plans.edit_plan(store(), request_cause(), plan_id, fields)


@blp.route("/<plan_id>/signatures", methods=["POST"])
@blp.arguments(SignatureCreate, example={"role": "clinician", "signer": "staff-0042"})
@blp.response(201, Plan)
@blp.alt_response(409, description="The plan is no draft, or this role has signed it already.")
@blp.alt_response(422, description="A role this plan does not require, or a plan not complete enough to sign "
                                   "(`errors` names what is missing).")
def sign_plan(fields, plan_id):
    """Sign the draft as one of its required roles (clinician; patient, or guardian for an adolescent
    program; supervisor where the site requires one). With the last signature the plan becomes
    active, emits treatment.plan.activated, supersedes the version it revised, and can no longer
    be edited."""
    return plans.sign_plan(store(), request_cause(), current_site(), plan_id, fields["role"], fields["signer"])


@blp.route("/<plan_id>/revisions", methods=["POST"])
@blp.response(201, Plan)
@blp.alt_response(409, description="The plan is not active, or a newer version exists already.")
def revise_plan(plan_id):
    """Make the next version of the active plan: a draft with the same content (ids and progress
    kept) to edit and sign again. The active version stays in force until the new one is signed."""
    return plans.revise_plan(store(), request_cause(), current_site(), plan_id)


@blp.route("/<plan_id>/reviews", methods=["POST"])
@blp.arguments(ReviewCreate, example={
    "progress": [{"objective_id": "5f2b7c1d-8e4a-4b6f-a3c2-1d0e9f8a7b6c", "status": "progressing"}],
    "next_review_date": "2026-12-26", "reviewer": "staff-0042"})
@blp.response(201, Plan)
@blp.alt_response(409, description="The plan is not the one in force (a draft, or superseded).")
@blp.alt_response(422, description="Unknown or missing objectives, or dates out of bounds.")
def review_plan(fields, plan_id):
    """Record a review: the progress of each objective (met, progressing, not_met, discontinued) and
    the next review date, at most the site's review interval away. Reviews are due every 30 days
    (a site setting) and on the effective day of every change of level of care."""
    return plans.review_plan(store(), request_cause(), current_site(), plan_id, fields)
