"""The reports operators and clinic directors watch: iop_follow_up, per-site rates of follow-up
within 7 and 30 days after an IOP discharge (this project's own measure, not HEDIS FUH), and the
case-management tasks open and overdue per site and kind (the operators' dashboard reads it)."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import FollowUpReport, FollowUpReportQuery, TaskReport
from services.aftercare.use_cases import reports
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context

blp = Blueprint("reports", __name__, url_prefix="/v1/reports",
                description="iop_follow_up: follow-up after an IOP discharge, per site (this project's measure, not "
                            "HEDIS FUH); case-management tasks open and overdue, per site and kind.")

TASK_REPORT_EXAMPLE = {"sites": [{
    "site_id": "mpls", "as_of": "2026-11-27", "open": 5, "overdue": 2,
    "by_kind": [{"kind": "follow_up_appointment", "open": 2, "overdue": 1},
                {"kind": "safety_screening", "open": 1, "overdue": 1},
                {"kind": "re_measurement", "open": 2, "overdue": 0}]}]}


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


@blp.route("/tasks", methods=["GET"])
@operations_endpoint
@blp.response(200, TaskReport, example=TASK_REPORT_EXAMPLE)
def task_report():
    """Case-management tasks still open (open or assigned) and overdue, per site and per kind.

    Overdue: an open or assigned task due before the site's today (``as_of``). Counted by the
    database, never by reading the tasks. Every kind is listed, with zeros. An operator key sees
    every site; a site key its own."""
    context = service_context()
    site_ids = visible_site_ids() or [site.id for site in context.sites.all()]
    return reports.task_report(context.store, context.sites, site_ids)
