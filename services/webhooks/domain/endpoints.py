"""A site's webhook endpoints: what they receive, and the secrets that sign what they receive.

An endpoint names the event types it wants (or ``*`` for every event of its site) and is active
or paused. Its secret is shown once, when it is made; a rotation makes a new one, shown once, and
keeps the previous one signing until an overlap has passed, so that the receiver can switch
without missing a delivery. The test event is never subscribed to: it goes to the endpoint it tests.
"""
from datetime import datetime, timedelta

from shared.errors import Conflict, Invalid
from shared.events.webhooks import endpoint_tested

EVERY_EVENT = "*"
TEST_EVENT = endpoint_tested.event_type
SECRET_OVERLAP = timedelta(hours=24)
MAX_SECRET_OVERLAP = timedelta(days=7)


def check_event_types(event_types: list[str], known: set[str]) -> list[str]:
    """The subscription, each type once in its given order; Invalid naming ``event_types`` for a
    type that is not an event of the contract (or is the test event)."""
    subscribable = known - {TEST_EVENT}
    unknown = [event_type for event_type in event_types if event_type != EVERY_EVENT and event_type not in subscribable]
    if unknown:
        raise Invalid({"event_types": [f"Not an event type one may subscribe to: {', '.join(sorted(set(unknown)))}."]})
    if not event_types:
        raise Invalid({"event_types": ["Name at least one event type, or '*' for every event of the site."]})
    return list(dict.fromkeys(event_types))


def new_endpoint(endpoint_id: str, fields: dict, secret: str, now: datetime, actor: str) -> dict:
    return {
        "_id": endpoint_id,
        "url": fields["url"],
        "description": fields.get("description"),
        "event_types": fields["event_types"],
        "active": fields.get("active", True),
        "secrets": [_secret(secret, now)],
        "created_at": now,
        "created_by": actor,
        "updated_at": now,
    }


def update_endpoint(endpoint: dict, changes: dict, now: datetime) -> tuple[dict, list]:
    """Change the URL, description, subscription or whether the endpoint is active."""
    return {**changes, "updated_at": now}, []


def rotate_secret(endpoint: dict, secret: str, now: datetime, overlap: timedelta = SECRET_OVERLAP) -> tuple[dict, list]:
    """The new secret signs from now on; the one it replaces keeps signing until ``now + overlap``.
    Secrets whose overlap has passed are dropped."""
    if not timedelta(0) <= overlap <= MAX_SECRET_OVERLAP:
        raise Invalid({"overlap_hours": [f"Must lie between 0 and {MAX_SECRET_OVERLAP.days * 24} hours."]})
    retiring = []
    for kept in endpoint["secrets"]:
        expires_at = now + overlap if kept["expires_at"] is None else kept["expires_at"]
        if expires_at > now:
            retiring.append({**kept, "expires_at": expires_at})
    return {"secrets": [_secret(secret, now), *retiring], "updated_at": now}, []


def signing_secrets(endpoint: dict, now: datetime) -> list[str]:
    """The secrets that sign a delivery made at ``now``, the newest first."""
    return [kept["secret"] for kept in endpoint["secrets"] if kept["expires_at"] is None or kept["expires_at"] > now]


def wants(endpoint: dict, event_type: str) -> bool:
    """Whether an event of this type (of the endpoint's site) is delivered to the endpoint."""
    if not endpoint["active"] or event_type == TEST_EVENT:
        return False
    return EVERY_EVENT in endpoint["event_types"] or event_type in endpoint["event_types"]


def require_active(endpoint: dict) -> None:
    if not endpoint["active"]:
        raise Conflict("The endpoint is paused; set active to true first.")


def _secret(secret: str, now: datetime) -> dict:
    return {"secret": secret, "created_at": now, "expires_at": None}
