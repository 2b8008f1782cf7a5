"""Aftercare plans: made by events, read here with their tasks, referrals and follow-up."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Plan, PlanQuery
from services.aftercare.use_cases.plans import plan_with_its_parts
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, store
from shared.http.pagination import page_of

blp = Blueprint("plans", __name__, url_prefix="/v1/plans",
                description="Aftercare plans, one per enrollment, made when the enrollment ends.")


@blp.route("", methods=["GET"])
@blp.arguments(PlanQuery, location="query")
@blp.response(200, Plan(many=True))
@blp.paginate()
def list_plans(query, pagination_parameters):
    """The site's plans; with ``enrollment_id`` at most one."""
    plans = page_of(store().plans, {"site_id": current_site_id(), **query},
                    [("created_at", -1), ("_id", 1)], pagination_parameters)
    return [plan_with_its_parts(store(), current_site(), plan) for plan in plans]


@blp.route("/<plan_id>", methods=["GET"])
@blp.response(200, Plan)
@blp.alt_response(404, description="No such plan at this site.")
def get_plan(plan_id):
    """One plan with its tasks, referrals and follow-up (``within_7``/``within_30`` as of today)."""
    return plan_with_its_parts(store(), current_site(), find_at_site(store().plans, plan_id, "plan"))
