"""Medication check-ins: adherence and side effects reported at a routine check-in.

A check-in reporting any side effect emits medication.side_effect.reported (CONTRACT.md) in the same
write, with the gravest severity reported; case management acts on ``severe``. The event names no
side effect, only the severity and the count.
"""

from flask_smorest import Blueprint

from services.medication.api.patients import require_patient
from services.medication.api.schemas import CheckIn, CheckInCreate, CheckInQuery
from services.medication.domain import check_ins as rules
from services.medication.store import CHECK_INS, check_in_document
from shared import clock
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, find_at_site, request_event
from shared.http.pagination import page_of
from shared.outbox import insert_with_events

blp = Blueprint("check_ins", __name__, url_prefix="/v1/check-ins",
                description="Routine medication check-ins: adherence and side effects.")

EVENT_SIDE_EFFECT = "medication.side_effect.reported"


@blp.route("", methods=["POST"])
@blp.arguments(CheckInCreate)
@blp.response(201, CheckIn)
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def record_check_in(fields):
    """Record a check-in. Any side effect emits medication.side_effect.reported with the gravest
    severity reported and the number of side effects; a ``severe`` one opens a prescriber review."""
    site_id = current_site_id()
    require_patient(fields["patient_id"])
    check_in = rules.new_check_in(fields, clock.now(), actor())
    events = []
    severity = rules.highest_severity(check_in["side_effects"])
    if severity is not None:
        events.append(request_event(EVENT_SIDE_EFFECT, {
            "check_in_id": check_in["id"],
            "patient_id": check_in["patient_id"],
            "severity": severity,
            "side_effect_count": len(check_in["side_effects"]),
        }))
    return insert_with_events(collection(CHECK_INS), check_in_document(check_in, site_id), events)


@blp.route("", methods=["GET"])
@blp.arguments(CheckInQuery, location="query")
@blp.response(200, CheckIn(many=True))
@blp.paginate()
def list_check_ins(query, pagination_parameters):
    """The site's check-ins, newest first, optionally for one patient."""
    return page_of(collection(CHECK_INS), {"site_id": current_site_id(), **query},
                   [("checked_in_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<check_in_id>", methods=["GET"])
@blp.response(200, CheckIn)
def get_check_in(check_in_id):
    """One check-in."""
    return find_at_site(CHECK_INS, check_in_id, "check-in")
