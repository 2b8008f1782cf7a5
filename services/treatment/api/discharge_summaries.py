"""Discharge summaries: drafted by the worker from the plan when intake ends an enrollment."""
from flask_smorest import Blueprint

from services.treatment.api.schemas import DischargeSummary, SummaryQuery
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, store
from shared.http.pagination import page_of

blp = Blueprint("discharge_summaries", __name__, url_prefix="/v1/discharge-summaries",
                description="One summary per ended enrollment: the plan's objectives met and not met.")


@blp.route("", methods=["GET"])
@blp.arguments(SummaryQuery, location="query")
@blp.response(200, DischargeSummary(many=True))
@blp.paginate()
def list_summaries(query, pagination_parameters):
    """The site's discharge summaries; with `enrollment_id` at most one. It appears moments after the
    discharge, once the worker has handled intake's event: poll until it does."""
    return page_of(store().discharge_summaries, {"site_id": current_site_id(), **query},
                   [("created_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<summary_id>", methods=["GET"])
@blp.response(200, DischargeSummary)
def get_summary(summary_id):
    """One discharge summary."""
    return find_at_site(store().discharge_summaries, summary_id, "discharge summary")
