"""The webhooks service's collections, their codecs and indexes, and the derived delivery id.

``endpoints`` hold each endpoint's signing secrets: they must be usable to sign, so they are kept
as they are (not as digests), in this service's own database only; no answer, log or event ever
carries one after the answer that made it. ``deliveries`` hold one document per (event, endpoint)
under an id derived from both, so that a redelivered event records nothing twice.
"""
import uuid

from pymongo import ASCENDING, DESCENDING, IndexModel

from shared.store import Codec, Store

ENDPOINTS = "endpoints"
DELIVERIES = "deliveries"

DELIVERY_ID_NAMESPACE = uuid.UUID("6f0d7a52-3c4b-4f8e-9a55-0c2d8b1e7a41")


def delivery_id_for(endpoint_id: str, event_id: str) -> str:
    """The id of the one delivery of an event to an endpoint; it is also the ``webhook-id`` header."""
    return str(uuid.uuid5(DELIVERY_ID_NAMESPACE, f"{endpoint_id}:{event_id}"))


class WebhooksStore(Store):
    COLLECTIONS = {
        ENDPOINTS: Codec(instants=("created_at", "updated_at", "secrets.*.created_at", "secrets.*.expires_at"),
                         booleans=("active",)),
        DELIVERIES: Codec(instants=("created_at", "updated_at", "next_attempt_at", "schedule_started_at",
                                    "delivered_at", "failed_at", "attempts.*.at")),
    }

    # Nothing this service changes is an event for other services: no outbox.
    OUTBOX_COLLECTIONS = ()

    INDEXES = {
        ENDPOINTS: [
            IndexModel([("site_id", ASCENDING), ("created_at", DESCENDING)]),
        ],
        DELIVERIES: [
            # The sweep's query: due deliveries of every site, by design.
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("endpoint_id", ASCENDING), ("status", ASCENDING),
                        ("created_at", DESCENDING)]),
            IndexModel([("site_id", ASCENDING), ("created_at", DESCENDING)]),
        ],
    }
