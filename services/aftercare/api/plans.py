"""Aftercare plans: made by events, read here with their tasks, referrals and follow-up."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import FollowUpVisitCreate, Plan, PlanQuery
from services.aftercare.use_cases.plans import add_follow_up_visit, plan_with_its_parts
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
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


@blp.route("/<plan_id>/follow-up-visits", methods=["POST"])
@blp.arguments(FollowUpVisitCreate, example={"visited_on": "2026-10-29", "kind": "telehealth"})
@blp.response(201, Plan)
@blp.alt_response(404, description="No such plan at this site.")
def record_follow_up_visit(fields, plan_id):
    """Record a follow-up visit with any provider that aftercare heard of no other way (a visit at a
    clinic outside the network, a telehealth call): it counts for iop_follow_up like an attended
    follow-up appointment. Answers the plan with its follow-up as it is then.

    422 on ``visited_on`` for a day before the plan's discharge day or after the site's today, and
    on ``provider_id`` for a provider not in the site's directory."""
    return add_follow_up_visit(store(), request_cause(), current_site(), plan_id, fields)
