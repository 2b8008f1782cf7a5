"""Medication orders: prescription, dose adjustments with their history, discontinuation.

Each change and its event are one atomic write (the order's outbox). Events carry the order's ids,
status and RxNorm code only: never the medication name, dose or reason.
"""
from flask_smorest import Blueprint

from services.medication.api.schemas import Adjustment, Discontinuation, Order, OrderCreate, OrderQuery
from services.medication.use_cases import orders
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("orders", __name__, url_prefix="/v1/orders",
                description="Medication orders of the caller's site, with the history of every change.")


@blp.route("", methods=["POST"])
@blp.arguments(OrderCreate)
@blp.response(201, Order)
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def create_order(fields):
    """Prescribe a medication for a patient of the site (emits medication.order.created)."""
    return orders.create_order(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(OrderQuery, location="query")
@blp.response(200, Order(many=True))
@blp.paginate()
def list_orders(query, pagination_parameters):
    """The site's orders, newest first, filtered by patient and status."""
    return page_of(store().orders, {"site_id": current_site_id(), **query}, [("created_at", -1), ("_id", 1)],
                   pagination_parameters)


@blp.route("/<order_id>", methods=["GET"])
@blp.response(200, Order)
def get_order(order_id):
    """One order with its full history."""
    return find_at_site(store().orders, order_id, "order")


@blp.route("/<order_id>/adjustments", methods=["POST"])
@blp.arguments(Adjustment)
@blp.response(200, Order)
@blp.alt_response(409, description="The order is discontinued; prescribe a new order instead.")
@blp.alt_response(422, description="Invalid fields, or a dose equal to the current one.")
def adjust_order(fields, order_id):
    """Change the dose; the change (from, to, when, who, why) is kept in the order's history
    (emits medication.order.adjusted)."""
    return orders.adjust_order(store(), request_cause(), order_id, fields["dose"], fields["reason"])


@blp.route("/<order_id>/discontinue", methods=["POST"])
@blp.arguments(Discontinuation)
@blp.response(200, Order)
@blp.alt_response(409, description="The order is already discontinued.")
def discontinue_order(fields, order_id):
    """Stop the order for good (emits medication.order.discontinued); it leaves the current list."""
    return orders.discontinue_order(store(), request_cause(), order_id, fields["reason"])
