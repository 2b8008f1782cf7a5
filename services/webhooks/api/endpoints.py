"""A site's webhook endpoints: registration (the secret shown once), changes, secret rotation, the
test event and retrying every failed delivery of an endpoint."""
from datetime import timedelta

from flask_smorest import Blueprint

from services.webhooks.api.schemas import (
    Delivery,
    Endpoint,
    EndpointCreate,
    EndpointQuery,
    EndpointUpdate,
    EndpointWithSecret,
    Retried,
    SecretRotation,
)
from services.webhooks.use_cases import deliveries, endpoints
from shared.http.auth import current_site_id
from shared.http.current import request_cause, service_context, store
from shared.http.pagination import page_of

blp = Blueprint("endpoints", __name__, url_prefix="/v1/endpoints",
                description="Where the caller's site's events are delivered, signed, and with which secrets.")


@blp.route("", methods=["POST"])
@blp.arguments(EndpointCreate)
@blp.response(201, EndpointWithSecret)
@blp.alt_response(422, description="Invalid fields: a URL that is not https or resolves to a non-public "
                                   "address (`url`), an unknown event type (`event_types`).")
def register_endpoint(fields):
    """Register an endpoint; the answer holds its signing secret, shown this once."""
    context = service_context()
    endpoint, secret = endpoints.register_endpoint(store(), request_cause(), context.delivery, context.transport,
                                                   fields)
    return {**endpoint, "secret": secret}


@blp.route("", methods=["GET"])
@blp.arguments(EndpointQuery, location="query")
@blp.response(200, Endpoint(many=True))
@blp.paginate()
def list_endpoints(query, pagination_parameters):
    """The site's endpoints, newest first, active or paused."""
    return endpoints.list_endpoints(store(), current_site_id(), query,
                                    page=lambda documents, selector, sort: page_of(documents, selector, sort,
                                                                                   pagination_parameters))


@blp.route("/<endpoint_id>", methods=["GET"])
@blp.response(200, Endpoint)
def get_endpoint(endpoint_id):
    """One endpoint, without its secret."""
    return endpoints.find_endpoint(store(), current_site_id(), endpoint_id)


@blp.route("/<endpoint_id>", methods=["PATCH"])
@blp.arguments(EndpointUpdate(partial=True), required=False)
@blp.response(200, Endpoint)
@blp.alt_response(422, description="Invalid fields, as at registration.")
def update_endpoint(changes, endpoint_id):
    """Change the URL (checked again), description, event types, or pause and resume the endpoint."""
    context = service_context()
    return endpoints.update_endpoint(store(), request_cause(), context.delivery, context.transport, endpoint_id,
                                     changes)


@blp.route("/<endpoint_id>", methods=["DELETE"])
@blp.response(204)
def delete_endpoint(endpoint_id):
    """Remove the endpoint and its deliveries; nothing more is sent to it."""
    endpoints.delete_endpoint(store(), request_cause(), endpoint_id)


@blp.route("/<endpoint_id>/rotate-secret", methods=["POST"])
@blp.arguments(SecretRotation, required=False)
@blp.response(200, EndpointWithSecret)
def rotate_secret(rotation, endpoint_id):
    """Make a new signing secret, shown this once; the previous one keeps signing during the overlap."""
    overlap = timedelta(hours=rotation["overlap_hours"])
    endpoint, secret = endpoints.rotate_secret(store(), request_cause(), endpoint_id, overlap)
    return {**endpoint, "secret": secret}


@blp.route("/<endpoint_id>/test", methods=["POST"])
@blp.response(202, Delivery)
@blp.alt_response(409, description="The endpoint is paused.")
def send_test_event(endpoint_id):
    """Send a webhooks.endpoint.tested event to this endpoint; follow it in the delivery answered."""
    return deliveries.send_test_event(store(), request_cause(), endpoint_id)


@blp.route("/<endpoint_id>/retry-failed", methods=["POST"])
@blp.response(200, Retried)
def retry_failed(endpoint_id):
    """Make every failed delivery of the endpoint due again now, each on a new retry schedule."""
    return {"retried": deliveries.retry_failed(store(), request_cause(), endpoint_id)}
