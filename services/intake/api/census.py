"""The census: enrollments active now by program, admissions by program and discharges by
outcome over a date range, per site. An operations endpoint: an operator key sees every site.

Counted in Python over plain finds (with projections) rather than an aggregation pipeline, which
the embedded database stand-in only partly supports; a site's enrollments over a year are few.
"""
from flask_smorest import Blueprint

from services.intake.api.schemas import Census, CensusQuery
from services.intake.domain import census as rules
from services.intake.domain.enrollments import ACTIVE
from services.intake.store import ENROLLMENTS
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context
from shared.http.fields import stored

blp = Blueprint("census", __name__, url_prefix="/v1/census",
                description="Per-site counts of active enrollments, admissions and discharges (operations).")


@blp.route("", methods=["GET"])
@operations_endpoint
@blp.arguments(CensusQuery, location="query")
@blp.response(200, Census)
def census(query):
    """The census of the caller's site, or of every site for an operator key. The range
    defaults to the last 30 days up to each site's today (`from` and `to` included)."""
    context = service_context()
    site_ids = visible_site_ids() or [site.id for site in context.sites.all()]
    return {"sites": [_site_census(context, site_id, query.get("from_date"), query.get("to_date"))
                      for site_id in site_ids]}


def _site_census(context, site_id: str, start, end) -> dict:
    start, end = rules.census_range(context.sites.get(site_id).today(), start, end)
    enrollments = context.db[ENROLLMENTS]
    in_range = {"$gte": stored(start), "$lte": stored(end)}
    active = enrollments.find({"site_id": site_id, "status": ACTIVE}, {"program": 1})
    admitted = enrollments.find({"site_id": site_id, "start_date": in_range}, {"program": 1})
    discharged = enrollments.find({"site_id": site_id, "discharge.date": in_range}, {"outcome": 1})
    counts = rules.census((e["program"] for e in active), (e["program"] for e in admitted),
                          (e["outcome"] for e in discharged))
    return {"site_id": site_id, "from": start, "to": end, **counts}
