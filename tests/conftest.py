"""Fixtures shared by every tier. Each test gets its own namespace, hence its own databases
and broker entities, so tests never see each other's data."""
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from shared.config import DEMO_SITES_FILE, load_settings
from shared.context import ServiceContext
from shared.events import Event, load_event, new_event
from shared.sites import load_sites
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
    """The same settings on the real RabbitMQ; the test's exchanges and queues are deleted after it."""
    from tests.workers import delete_topology

    rabbit = replace(settings, amqp_url=amqp_url)
    yield rabbit
    delete_topology(rabbit)


@pytest.fixture(scope="session")
def sites():
    return load_sites(Path(DEMO_SITES_FILE))


def service_context(service: str, settings, sites) -> ServiceContext:
    module = __import__(f"services.{service}.store", fromlist=["INDEXES"])
    return ServiceContext(service, indexes=module.INDEXES, settings=settings, sites=sites)


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


def published(event_type: str, payload: dict, site_id: str, occurred_at: datetime | None = None) -> dict:
    """An envelope as its producer (the event type's first word) publishes it, validated by the
    producer's rules, in a correlation of its own."""
    return new_event(event_type, payload, site_id=site_id, producer=event_type.split(".")[0],
                     correlation_id=str(uuid.uuid4()), occurred_at=occurred_at)


def deliver_to(handlers: dict, context: ServiceContext, delivery: Event | dict) -> None:
    """What a service's consumer does with one delivery, without the broker: load the envelope
    (unless the test loaded it already), then call the handler of its event type."""
    event = load_event(delivery) if isinstance(delivery, dict) else delivery
    handlers[event.event_type](event, context)
