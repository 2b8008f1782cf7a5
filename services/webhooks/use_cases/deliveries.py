"""Deliveries: recorded from the site's events, the test event, retries by hand, and listing them.

Recording is the worker's reaction to an event and writes only this service's database; sending is
left to the sweep (``use_cases/sending.py``), so no workflow ever waits on a receiver.
"""
import json

from services.webhooks.domain import deliveries as rules
from services.webhooks.domain.endpoints import TEST_EVENT, require_active, wants
from services.webhooks.store import WebhooksStore, delivery_id_for
from services.webhooks.use_cases import Page
from services.webhooks.use_cases.endpoints import find_endpoint
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.events import Event, builder_for
from shared.events.envelope import ENVELOPE_SCHEMA
from shared.events.webhooks import endpoint_tested


def envelope_of(event: Event) -> dict:
    """The event's envelope as its producer made it, its payload dumped by the contract's schema:
    fields outside the contract never leave (the consumer excluded them), and optional fields the
    producer left out are there as null, so every event of a type has one shape."""
    payload = builder_for(event.event_type, event.event_version).producer_schema.dump(event.payload)
    return ENVELOPE_SCHEMA.dump({**vars(event), "payload": payload})  # vars: asdict deep-copies the payload


def record_deliveries(store: WebhooksStore, envelope: dict) -> int:
    """One delivery of the event to each endpoint of its site that wants it (the test event: to the
    endpoint it names), under an id derived from both, so that a redelivered event adds none (the
    worker relies on this and keeps no inbox check; an endpoint added between two deliveries of one
    event gets it from the second). Returns how many were recorded now."""
    site_id, event_type = envelope["site_id"], envelope["event_type"]
    if event_type == TEST_EVENT:
        targets = store.endpoints.find({"_id": envelope["payload"]["endpoint_id"], "site_id": site_id})
    else:
        targets = [endpoint for endpoint in store.endpoints.find({"site_id": site_id}) if wants(endpoint, event_type)]
    body = json.dumps(envelope, separators=(",", ":"))
    now = clock.now()
    recorded = 0
    for endpoint in targets:
        delivery = rules.new_delivery(delivery_id_for(endpoint["_id"], envelope["event_id"]), endpoint, envelope, body, now)
        recorded += store.deliveries.insert_once({**delivery, "site_id": site_id})
    return recorded


def send_test_event(store: WebhooksStore, cause: Cause, endpoint_id: str) -> dict:
    """A ``webhooks.endpoint.tested`` event in the usual envelope, to this endpoint only; the
    sweep sends it within seconds. Returns its delivery."""
    require_active(find_endpoint(store, cause.site_id, endpoint_id))
    envelope = cause.envelope(endpoint_tested(endpoint_id=endpoint_id))
    record_deliveries(store, envelope)
    return find_delivery(store, cause.site_id, delivery_id_for(endpoint_id, envelope["event_id"]))


def find_delivery(store: WebhooksStore, site_id: str, delivery_id: str) -> dict:
    delivery = store.deliveries.find_one({"_id": delivery_id, "site_id": site_id})
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id} at this site.")
    return delivery


def list_deliveries(store: WebhooksStore, site_id: str, filters: dict, page: Page) -> list[dict]:
    """The site's deliveries, newest first, by endpoint, status and event type."""
    return page(store.deliveries, {"site_id": site_id, **filters}, [("created_at", -1), ("_id", 1)])


def retry_delivery(store: WebhooksStore, cause: Cause, delivery_id: str) -> dict:
    """A failed delivery, due again now on a new schedule (IllegalTransition unless it failed)."""
    now = clock.now()
    delivery = store.deliveries.modify({"_id": delivery_id, "site_id": cause.site_id},
                                       lambda current: rules.retry(current, now))
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id} at this site.")
    return delivery


def retry_failed(store: WebhooksStore, cause: Cause, endpoint_id: str) -> int:
    """Every failed delivery of the endpoint, due again now; returns how many."""
    find_endpoint(store, cause.site_id, endpoint_id)
    now = clock.now()
    failed = store.deliveries.find({"site_id": cause.site_id, "endpoint_id": endpoint_id, "status": rules.FAILED},
                                   projection={"_id": 1})
    for delivery in failed:
        # A delivery retried meanwhile by another request is left as it is.
        store.deliveries.modify({"_id": delivery["_id"], "site_id": cause.site_id},
                                lambda current: rules.retry(current, now) if current["status"] == rules.FAILED else None)
    return len(failed)
