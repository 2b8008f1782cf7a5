"""Medication check-ins: adherence and side effects reported at a routine check-in.

A check-in reporting any side effect emits medication.side_effect.reported (CONTRACT.md) in the same
write, with the gravest severity reported; case management acts on ``severe``. The event names no
side effect, only the severity and the count.
"""
from flask_smorest import Blueprint

from services.medication.api.schemas import CheckIn, CheckInCreate, CheckInQuery
from services.medication.use_cases import check_ins
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("check_ins", __name__, url_prefix="/v1/check-ins",
                description="Routine medication check-ins: adherence and side effects.")


@blp.route("", methods=["POST"])
@blp.arguments(CheckInCreate)
@blp.response(201, CheckIn)
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def record_check_in(fields):
    """Record a check-in. Any side effect emits medication.side_effect.reported with the gravest
    severity reported and the number of side effects; a ``severe`` one opens a prescriber review."""
    return check_ins.record_check_in(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(CheckInQuery, location="query")
@blp.response(200, CheckIn(many=True))
@blp.paginate()
def list_check_ins(query, pagination_parameters):
    """The site's check-ins, newest first, optionally for one patient."""
    return page_of(store().check_ins, {"site_id": current_site_id(), **query},
                   [("checked_in_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<check_in_id>", methods=["GET"])
@blp.response(200, CheckIn)
def get_check_in(check_in_id):
    """One check-in."""
    return find_at_site(store().check_ins, check_in_id, "check-in")
