"""Medication's use cases on an in-memory database: its bootstrap's context and store, a request's
cause at the demo site, intake's events as the handlers would name their cause, and the outbox."""
import uuid
from datetime import date, datetime, timezone

import pytest

from shared import clock
from shared.cause import Cause

SITE = "mpls"
OTHER_SITE = "stpaul"
CLINICIAN = "Minneapolis front-end"
# Noon at the demo sites, the day these tests were written.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


def request_cause(site_id: str = SITE) -> Cause:
    return Cause(site_id, correlation_id=str(uuid.uuid4()), actor=CLINICIAN)


def event_cause(site_id: str = SITE, event_id: str | None = None) -> Cause:
    """The cause a handler names for one of intake's events."""
    return Cause(site_id, correlation_id=str(uuid.uuid4()), causation_id=event_id or str(uuid.uuid4()),
                 actor="medication")


def outbox(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]
