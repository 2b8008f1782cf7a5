"""Aftercare plans: made by events, read here."""
from flask import current_app
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Plan, PlanQuery
from services.aftercare.store import PLANS
from shared.errors import NotFound
from shared.http.auth import current_site_id
from shared.http.pagination import page_of

blp = Blueprint("plans", __name__, url_prefix="/v1/plans",
                description="Aftercare plans, one per enrollment, made when the enrollment ends.")


def _plans():
    return current_app.extensions["iop"].db[PLANS]


@blp.route("", methods=["GET"])
@blp.arguments(PlanQuery, location="query")
@blp.response(200, Plan(many=True))
@blp.paginate()
def list_plans(query, pagination_parameters):
    """The site's plans; with ``enrollment_id`` at most one."""
    return page_of(_plans(), {"site_id": current_site_id(), **query}, [("created_at", -1), ("_id", 1)],
                   pagination_parameters)


@blp.route("/<plan_id>", methods=["GET"])
@blp.response(200, Plan)
def get_plan(plan_id):
    """One plan with its tasks and referrals."""
    plan = _plans().find_one({"_id": plan_id, "site_id": current_site_id()})
    if plan is None:
        raise NotFound(f"No plan {plan_id} at this site.")
    return plan
