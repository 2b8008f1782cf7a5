"""Registering, listing, changing and deleting a site's endpoints, and rotating their secrets.

A URL is checked when it is registered or changed: its form, then the addresses its host resolves
to (``domain/urls.py``); the check is made again before every delivery. The secret is made here
from the operating system's randomness and returned once, with the endpoint; it is never shown again.
"""
import secrets
import uuid
from datetime import timedelta

from services.webhooks.domain import endpoints as rules
from services.webhooks.domain import urls
from services.webhooks.domain.signing import SECRET_BYTES, format_secret
from services.webhooks.store import WebhooksStore
from services.webhooks.use_cases import Page
from services.webhooks.use_cases.transport import DeliverySettings, Transport
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.events import registered_event_types


def find_endpoint(store: WebhooksStore, site_id: str, endpoint_id: str) -> dict:
    """The site's endpoint; another site's is NotFound like a missing one."""
    endpoint = store.endpoints.find_one({"_id": endpoint_id, "site_id": site_id})
    if endpoint is None:
        raise NotFound(f"No endpoint {endpoint_id} at this site.")
    return endpoint


def register_endpoint(store: WebhooksStore, cause: Cause, settings: DeliverySettings, transport: Transport,
                      fields: dict) -> tuple[dict, str]:
    """A new endpoint of the cause's site and its secret, which the caller shows once."""
    fields = checked_fields(fields, settings, transport)
    secret = new_secret()
    endpoint = rules.new_endpoint(str(uuid.uuid4()), fields, secret, clock.now(), cause.actor)
    return store.endpoints.insert({**endpoint, "site_id": cause.site_id}), secret


def list_endpoints(store: WebhooksStore, site_id: str, filters: dict, page: Page) -> list[dict]:
    return page(store.endpoints, {"site_id": site_id, **filters}, [("created_at", -1), ("_id", 1)])


def update_endpoint(store: WebhooksStore, cause: Cause, settings: DeliverySettings, transport: Transport,
                    endpoint_id: str, changes: dict) -> dict:
    """Change the URL (checked again), description, event types or whether the endpoint is active."""
    find_endpoint(store, cause.site_id, endpoint_id)
    changes, now = checked_fields(changes, settings, transport), clock.now()
    return _modify(store, cause.site_id, endpoint_id, lambda endpoint: rules.update_endpoint(endpoint, changes, now))


def delete_endpoint(store: WebhooksStore, cause: Cause, endpoint_id: str) -> None:
    """The endpoint and its deliveries are removed; nothing more is sent to it."""
    find_endpoint(store, cause.site_id, endpoint_id)
    store.endpoints.delete({"_id": endpoint_id, "site_id": cause.site_id})
    store.deliveries.delete({"endpoint_id": endpoint_id, "site_id": cause.site_id})


def rotate_secret(store: WebhooksStore, cause: Cause, endpoint_id: str,
                  overlap: timedelta = rules.SECRET_OVERLAP) -> tuple[dict, str]:
    """A new secret, shown once; the previous one keeps signing until the overlap has passed."""
    secret, now = new_secret(), clock.now()
    endpoint = _modify(store, cause.site_id, endpoint_id,
                       lambda endpoint: rules.rotate_secret(endpoint, secret, now, overlap))
    return endpoint, secret


def checked_fields(fields: dict, settings: DeliverySettings, transport: Transport) -> dict:
    """The fields with their subscription in order; Invalid naming every refused field at once."""
    errors, checked = {}, dict(fields)
    if "event_types" in fields:
        try:
            checked["event_types"] = rules.check_event_types(fields["event_types"], registered_event_types())
        except Invalid as refused:
            errors.update(refused.errors)
    if "url" in fields:
        try:
            check_url(fields["url"], settings, transport)
        except Invalid as refused:
            errors.update(refused.errors)
    if errors:
        raise Invalid(errors)
    return checked


def check_url(url: str, settings: DeliverySettings, transport: Transport) -> None:
    """Invalid naming ``url`` unless the URL's form and the addresses its host resolves to are allowed."""
    host, port = urls.endpoint_host(url, settings.allow_private)
    urls.check_addresses(transport.resolve(host, port), settings.allow_private)


def new_secret() -> str:
    return format_secret(secrets.token_bytes(SECRET_BYTES))


def _modify(store: WebhooksStore, site_id: str, endpoint_id: str, change) -> dict:
    endpoint = store.endpoints.modify({"_id": endpoint_id, "site_id": site_id}, change)
    if endpoint is None:
        raise NotFound(f"No endpoint {endpoint_id} at this site.")
    return endpoint
