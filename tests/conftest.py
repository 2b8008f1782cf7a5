"""Fixtures shared by every tier. Each test gets its own namespace, hence its own databases
and broker entities, so tests never see each other's data."""
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from shared.cause import Cause
from shared.config import DEMO_SITES_FILE, load_settings
from shared.context import ServiceContext
from shared.events import Event, load_event
from shared.events.registry import builder_for
from shared.sites import load_sites
from system.services import bootstrap
from tests.backends import amqp_server, mongo_server

CLINICIAN = {"Authorization": "Bearer demo-mpls-clinician"}
OTHER_SITE = {"Authorization": "Bearer demo-stpaul-clinician"}
OPERATOR = {"Authorization": "Bearer demo-operator"}


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory):
    with mongo_server(tmp_path_factory.mktemp("mongo")) as url:
        yield url


@pytest.fixture(scope="session")
def amqp_url():
    with amqp_server() as url:
        yield url


@pytest.fixture
def namespace():
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(mongo_url, namespace, tmp_path):
    """Settings on the test database with the embedded broker under tmp_path."""
    base = load_settings({"IOP_MONGO_URL": mongo_url, "IOP_DATA_DIR": str(tmp_path / "var"),
                          "IOP_SITES_FILE": str(DEMO_SITES_FILE)})
    return replace(base, broker_namespace=namespace, confirm_timeout_seconds=3.0)


@pytest.fixture
def rabbit_settings(settings, amqp_url):
    """The same settings on the real RabbitMQ, with every service's queue declared first as the
    composition root does; the test's exchanges and queues are deleted after it."""
    from system.topology import declare_topology
    from tests.workers import delete_topology

    rabbit = replace(settings, amqp_url=amqp_url)
    declare_topology(rabbit)
    yield rabbit
    delete_topology(rabbit)


@pytest.fixture(scope="session")
def sites():
    return load_sites(Path(DEMO_SITES_FILE))


def service_context(service: str, settings, sites) -> ServiceContext:
    """The service's context as its bootstrap builds it, on the test's database and namespace."""
    return bootstrap(service, settings=settings, sites=sites)


def api_client(service: str, settings, sites):
    """A Flask test client of one service's API, on its own database."""
    module = __import__(f"services.{service}.app", fromlist=["create_app"])
    app = module.create_app(config={"TESTING": True}, context=service_context(service, settings, sites))
    return app.test_client()


def pending_events(context: ServiceContext, collection: str, event_type: str | None = None) -> list[dict]:
    """Events written to a collection's outbox and not yet relayed, oldest first."""
    events = []
    for document in context.db[collection].find({"outbox_pending": {"$gt": 0}}):
        events.extend((document.get("outbox") or {}).values())
    events.sort(key=lambda event: event["occurred_at"])
    return [event for event in events if event_type is None or event["event_type"] == event_type]


def make_envelope(event_type: str, payload: dict, *, site_id: str = "mpls", correlation_id: str | None = None,
                  causation_id: str | None = None, occurred_at: datetime | None = None) -> dict:
    """An envelope as its producer publishes it: made by the event type's builder (so validated by
    the producer's rules) and stamped by a cause, in a correlation of its own unless given one."""
    cause = Cause(site_id, correlation_id or str(uuid.uuid4()), causation_id)
    envelope = cause.envelope(builder_for(event_type)(**payload))
    if occurred_at is not None:
        envelope["occurred_at"] = occurred_at.isoformat()
    return envelope


def published(event_type: str, payload: dict, site_id: str, occurred_at: datetime | None = None) -> dict:
    return make_envelope(event_type, payload, site_id=site_id, occurred_at=occurred_at)


def deliver_to(handlers: dict, context: ServiceContext, delivery: Event | dict) -> None:
    """What a service's consumer does with one delivery, without the broker: load the envelope
    (unless the test loaded it already), then call the handler of its event type."""
    event = load_event(delivery) if isinstance(delivery, dict) else delivery
    handlers[event.event_type](event, context)
