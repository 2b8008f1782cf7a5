"""The census: per-site counts for operations; an operator key sees every site."""
from flask_smorest import Blueprint

from services.intake.api.schemas import Census, CensusQuery
from services.intake.use_cases.census import census as count_census
from shared.http.auth import operations_endpoint, visible_site_ids
from shared.http.current import service_context

blp = Blueprint("census", __name__, url_prefix="/v1/census",
                description="Per-site counts of active enrollments, admissions and discharges (operations).")


@blp.route("", methods=["GET"])
@operations_endpoint
@blp.arguments(CensusQuery, location="query")
@blp.response(200, Census)
@blp.alt_response(422, description="`from` after `to`, or a range of more than 366 days.")
def census(query):
    """The census of the caller's site, or of every site for an operator key. The range
    defaults to the last 30 days up to each site's today (`from` and `to` included)."""
    context = service_context()
    site_ids = visible_site_ids() or [site.id for site in context.sites.all()]
    return count_census(context.store, [context.site(site_id) for site_id in site_ids],
                        query.get("from_date"), query.get("to_date"))
