"""Deliveries of the caller's site's events to its endpoints, each with its logged attempts, and
retrying a failed one."""
from flask_smorest import Blueprint

from services.webhooks.api.schemas import Delivery, DeliveryQuery
from services.webhooks.use_cases import deliveries
from shared.http.auth import current_site_id
from shared.http.current import request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("deliveries", __name__, url_prefix="/v1/deliveries",
                description="Every event sent to an endpoint of the site, with its attempts.")


@blp.route("", methods=["GET"])
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, Delivery(many=True))
@blp.paginate()
def list_deliveries(query, pagination_parameters):
    """The site's deliveries, newest first, by endpoint, status and event type."""
    return deliveries.list_deliveries(store(), current_site_id(), query,
                                      page=lambda documents, selector, sort: page_of(documents, selector, sort,
                                                                                     pagination_parameters))


@blp.route("/<delivery_id>", methods=["GET"])
@blp.response(200, Delivery)
def get_delivery(delivery_id):
    """One delivery with its attempts."""
    return deliveries.find_delivery(store(), current_site_id(), delivery_id)


@blp.route("/<delivery_id>/retry", methods=["POST"])
@blp.response(200, Delivery)
@blp.alt_response(409, description="The delivery has not failed (it is pending or delivered).")
def retry_delivery(delivery_id):
    """Make a failed delivery due again now, on a new retry schedule."""
    return deliveries.retry_delivery(store(), request_cause(), delivery_id)
