"""Medication orders: prescription, dose adjustments with their history, discontinuation.

Each change and its event are one atomic write (shared.outbox). Events carry the order's ids,
status and RxNorm code only: never the medication name, dose or reason.
"""

from flask_smorest import Blueprint

from services.medication.api.patients import require_patient
from services.medication.api.schemas import Adjustment, Discontinuation, Order, OrderCreate, OrderQuery
from services.medication.domain import orders as rules
from services.medication.store import ORDERS, order_document, order_from_document
from shared import clock
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, find_at_site, request_event
from shared.http.pagination import page_of
from shared.outbox import insert_with_events, modify

blp = Blueprint("orders", __name__, url_prefix="/v1/orders",
                description="Medication orders of the caller's site, with the history of every change.")

EVENT_CREATED = "medication.order.created"
EVENT_ADJUSTED = "medication.order.adjusted"
EVENT_DISCONTINUED = "medication.order.discontinued"


def _order_event(event_type: str, order: dict) -> dict:
    return request_event(event_type, {"order_id": order["id"], "patient_id": order["patient_id"],
                                      "rxnorm": order["rxnorm"], "status": order["status"]})


@blp.route("", methods=["POST"])
@blp.arguments(OrderCreate)
@blp.response(201, Order)
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def create_order(fields):
    """Prescribe a medication for a patient of the site (emits medication.order.created)."""
    site_id = current_site_id()
    require_patient(fields["patient_id"])
    order = rules.new_order(fields, clock.now(), actor())
    return insert_with_events(collection(ORDERS), order_document(order, site_id),
                              [_order_event(EVENT_CREATED, order)])


@blp.route("", methods=["GET"])
@blp.arguments(OrderQuery, location="query")
@blp.response(200, Order(many=True))
@blp.paginate()
def list_orders(query, pagination_parameters):
    """The site's orders, newest first, filtered by patient and status."""
    return page_of(collection(ORDERS), {"site_id": current_site_id(), **query}, [("created_at", -1), ("_id", 1)],
                   pagination_parameters)


@blp.route("/<order_id>", methods=["GET"])
@blp.response(200, Order)
def get_order(order_id):
    """One order with its full history."""
    return find_at_site(ORDERS, order_id, "order")


@blp.route("/<order_id>/adjustments", methods=["POST"])
@blp.arguments(Adjustment)
@blp.response(200, Order)
@blp.alt_response(409, description="The order is discontinued; prescribe a new order instead.")
@blp.alt_response(422, description="Invalid fields, or a dose equal to the current one.")
def adjust_order(fields, order_id):
    """Change the dose; the change (from, to, when, who, why) is kept in the order's history
    (emits medication.order.adjusted)."""
    return _change(order_id, EVENT_ADJUSTED, lambda order, now, actor: rules.adjust(
        order, fields["dose"], fields["reason"], now, actor))


@blp.route("/<order_id>/discontinue", methods=["POST"])
@blp.arguments(Discontinuation)
@blp.response(200, Order)
@blp.alt_response(409, description="The order is already discontinued.")
def discontinue_order(fields, order_id):
    """Stop the order for good (emits medication.order.discontinued); it leaves the current list."""
    return _change(order_id, EVENT_DISCONTINUED, lambda order, now, actor: rules.discontinue(
        order, fields["reason"], now, actor))


def _change(order_id: str, event_type: str, rule) -> dict:
    """Apply a domain ``rule(order, now, actor)`` to the stored order together with its event.

    The domain raises Invalid (422) or IllegalTransition (409) before anything is written."""
    now, by = clock.now(), actor()
    find_at_site(ORDERS, order_id, "order")

    def apply(document):
        changed = rule(order_from_document(document), now, by)
        changes = {key: changed[key] for key in ("dose", "status", "updated_at", "discontinued_at", "history")}
        return changes, [_order_event(event_type, changed)]

    return modify(collection(ORDERS), {"_id": order_id, "site_id": current_site_id()}, apply)
