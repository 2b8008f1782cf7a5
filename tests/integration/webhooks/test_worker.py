"""The webhooks worker on a real RabbitMQ: its queue is bound to every event type by its handler
table, and an event published by a producer reaches the receiver, verified, through the worker's
consumer and its sending sweep."""
import pytest

from services.webhooks.bootstrap import bootstrap
from services.webhooks.use_cases.transport import ALLOW_PRIVATE_SETTING
from shared.events import registered_event_types
from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher
from tests.conftest import CLINICIAN
from tests.integration.webhooks.conftest import completion, webhooks_app
from tests.workers import running_worker, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def context(rabbit_settings, sites, monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_SETTING, "1")
    return bootstrap(settings=rabbit_settings, sites=sites)


def test_the_worker_queue_is_bound_to_every_event_type(context):
    bindings = context.topology.service_queue("webhooks").bindings
    assert {binding.routing_key for binding in bindings} == registered_event_types()


def test_a_published_event_reaches_the_receiver_signed_through_the_worker(context, receiver):
    client = webhooks_app(context.settings, context.sites, context.delivery, context.transport)[0]
    endpoint = client.post("/v1/endpoints", json={"url": receiver.url, "event_types": ["intake.enrollment.completed"]},
                           headers=CLINICIAN).json
    receiver.secrets = [endpoint["secret"]]
    event = completion()
    publisher = EventPublisher(broker_connection(context.settings), context.topology, confirm_timeout=3)
    try:
        with running_worker(context, sweeps=context.sweeps(context)):
            publisher.publish(event)
            wait_until(lambda: receiver.received, message="no webhook received")
    finally:
        publisher.close()
    [received] = receiver.received
    assert (received["body"]["event_id"], received["verified_by"]) == (event["event_id"], [endpoint["secret"]])


def test_a_redelivered_event_records_one_delivery_without_an_inbox_check(context, receiver):
    """The worker keeps no inbox check (a round trip saved per event): the delivery's derived id is
    what makes a second delivery of the event record nothing, and the inbox still records it once."""
    client = webhooks_app(context.settings, context.sites, context.delivery, context.transport)[0]
    client.post("/v1/endpoints", json={"url": receiver.url, "event_types": ["intake.enrollment.completed"]},
                headers=CLINICIAN)
    event, later = completion(), completion()
    publisher = EventPublisher(broker_connection(context.settings), context.topology, confirm_timeout=3)
    try:
        with running_worker(context) as consumer:
            assert consumer.check_inbox is False
            for each in (event, event, later):
                publisher.publish(each)
            wait_until(lambda: context.db["inbox"].find_one({"_id": later["event_id"]}), message="not handled")
    finally:
        publisher.close()
    assert context.db["deliveries"].count_documents({"event_id": event["event_id"]}) == 1
    assert context.db["inbox"].count_documents({"_id": event["event_id"]}) == 1
