"""The follow-up report clinic directors watch: per-site rates of follow-up within 7 and 30 days."""
from datetime import date

from flask_smorest import Blueprint

from services.aftercare.api.schemas import FollowUpReport, FollowUpReportQuery
from services.aftercare.domain.follow_up import follow_up_rates, follow_up_status
from services.aftercare.store import PLANS
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context
from shared.http.fields import stored

blp = Blueprint("reports", __name__, url_prefix="/v1/reports", description="Follow-up rates per site.")


@blp.route("/follow-up", methods=["GET"])
@operations_endpoint
@blp.arguments(FollowUpReportQuery, location="query")
@blp.response(200, FollowUpReport)
def follow_up_report(query):
    """Discharges whose discharge day falls in ``from``..``to`` (inclusive): counts of discharges and
    completions, and the share that had a follow-up visit within 7 and within 30 days (HEDIS FUH
    style: the discharge day does not count; a window still open is left out of its rate). An
    operator key sees every site; a site key its own."""
    context = service_context()
    site_ids = visible_site_ids() or [site.id for site in context.sites.all()]
    return {"from_date": query["from_date"], "to_date": query["to_date"],
            "sites": [_site_rates(context, site_id, query["from_date"], query["to_date"]) for site_id in site_ids]}


def _site_rates(context, site_id: str, first: date, last: date) -> dict:
    today = context.sites.get(site_id).today()
    plans = context.db[PLANS].find({"site_id": site_id, "discharge_date": {"$gte": stored(first), "$lte": stored(last)}},
                                   {"outcome": 1, "discharge_date": 1, "follow_up": 1})
    measured = [{"outcome": plan["outcome"], "follow_up": follow_up_status(
        date.fromisoformat(plan["discharge_date"]), [date.fromisoformat(day) for day in plan["follow_up"]["visits"]], today)}
        for plan in plans]
    return {"site_id": site_id, **follow_up_rates(measured)}
