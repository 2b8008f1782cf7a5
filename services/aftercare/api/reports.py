"""The follow-up report clinic directors watch: per-site rates of follow-up within 7 and 30 days."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import FollowUpReport, FollowUpReportQuery
from services.aftercare.use_cases import reports
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context

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
    return reports.follow_up_report(context.store, context.sites, site_ids, query["from_date"], query["to_date"])
