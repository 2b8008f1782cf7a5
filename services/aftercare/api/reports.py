"""The follow-up report clinic directors watch: iop_follow_up, per-site rates of follow-up within 7
and 30 days after an IOP discharge. This project's own measure, not HEDIS FUH."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import FollowUpReport, FollowUpReportQuery
from services.aftercare.use_cases import reports
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context

blp = Blueprint("reports", __name__, url_prefix="/v1/reports",
                description="iop_follow_up: follow-up after an IOP discharge, per site (this project's measure, not HEDIS FUH).")


@blp.route("/follow-up", methods=["GET"])
@operations_endpoint
@blp.arguments(FollowUpReportQuery, location="query")
@blp.response(200, FollowUpReport)
def follow_up_report(query):
    """iop_follow_up for discharges whose discharge day falls in ``from``..``to`` (inclusive).

    This project's own measure, not HEDIS FUH (which starts from inpatient and emergency discharges
    and counts an IOP visit as the follow-up): the share of IOP discharges with a visit with any
    provider (an attended follow-up appointment, a referral the receiving provider reported
    completed, a visit recorded by staff) within 7 and within 30 days, the discharge day not
    counting. Per site: numerator, denominator, windows still open (left out until they close),
    and the exclusions (deaths, transfers to a higher level of care). An operator key sees every
    site; a site key its own."""
    context = service_context()
    site_ids = visible_site_ids() or [site.id for site in context.sites.all()]
    return reports.follow_up_report(context.store, context.sites, site_ids, query["from_date"], query["to_date"])
