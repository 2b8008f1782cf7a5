"""Aftercare plans: made by events, read here with their tasks, referrals and follow-up."""
from datetime import date

from flask_smorest import Blueprint

from services.aftercare.api.schemas import Plan, PlanQuery
from services.aftercare.domain.follow_up import follow_up_status
from services.aftercare.store import PLANS, REFERRALS, TASKS
from shared.http.auth import current_site_id
from shared.http.current import collection, current_site, find_at_site, service_context
from shared.http.pagination import page_of

blp = Blueprint("plans", __name__, url_prefix="/v1/plans",
                description="Aftercare plans, one per enrollment, made when the enrollment ends.")


@blp.route("", methods=["GET"])
@blp.arguments(PlanQuery, location="query")
@blp.response(200, Plan(many=True))
@blp.paginate()
def list_plans(query, pagination_parameters):
    """The site's plans; with ``enrollment_id`` at most one."""
    plans = page_of(collection(PLANS), {"site_id": current_site_id(), **query},
                    [("created_at", -1), ("_id", 1)], pagination_parameters)
    return [plan_view(plan) for plan in plans]


@blp.route("/<plan_id>", methods=["GET"])
@blp.response(200, Plan)
@blp.alt_response(404, description="No such plan at this site.")
def get_plan(plan_id):
    """One plan with its tasks, referrals and follow-up (``within_7``/``within_30`` as of today)."""
    return plan_view(find_at_site(PLANS, plan_id, "plan"))


def plan_view(plan: dict) -> dict:
    """The plan with its tasks and referrals, which live in their own collections."""
    db, selector = service_context().db, {"site_id": plan["site_id"], "plan_id": plan["_id"]}
    status = follow_up_status(date.fromisoformat(plan["discharge_date"]),
                              [date.fromisoformat(visit) for visit in plan["follow_up"]["visits"]], current_site().today())
    return {
        **plan,
        "follow_up": {**plan["follow_up"], **status},
        "tasks": list(db[TASKS].find(selector).sort([("due_date", 1), ("kind", 1)])),
        "referrals": list(db[REFERRALS].find(selector).sort([("created_at", 1), ("_id", 1)])),
    }
