"""The publisher on a real RabbitMQ: confirmed, persistent JSON, and unroutable messages refused."""
import json
import uuid
from dataclasses import replace

import pytest

from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher, PublishFailed, Unroutable
from shared.messaging.topology import Topology
from tests.conftest import make_envelope
from tests.fault.broker import close_connections, local_rabbitmq, own_user
from tests.workers import drain_queue

pytestmark = pytest.mark.integration


def registered_event(site_id="mpls"):
    return make_envelope("intake.patient.registered", {"patient_id": "p-1"}, site_id=site_id, correlation_id="req-1")


@pytest.fixture
def publisher(rabbit_settings):
    publisher = EventPublisher(broker_connection(rabbit_settings), Topology(rabbit_settings.broker_namespace),
                               confirm_timeout=3, attempts=2)
    yield publisher
    publisher.close()


def test_a_confirmed_event_is_in_every_subscribed_queue_as_persistent_json(publisher, rabbit_settings):
    event = registered_event()
    publisher.publish(event)
    [message] = drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")
    assert message.content_type == "application/json"
    assert message.properties["delivery_mode"] == 2
    assert json.loads(message.body) == event


def test_an_unroutable_message_is_an_error_not_a_silent_confirm(publisher):
    # Nothing is bound to this routing key on the dead-letter exchange.
    with pytest.raises(Unroutable):
        publisher.publish_raw(publisher.topology.dead_letter_exchange, "no-such-service", b"{}",
                              "application/json", "utf-8", {})


def test_publishing_to_a_dead_broker_fails_after_the_bounded_attempts(rabbit_settings, caplog):
    dead = replace(rabbit_settings, amqp_url="amqp://guest:guest@127.0.0.1:1//")
    publisher = EventPublisher(broker_connection(dead), Topology(dead.broker_namespace), confirm_timeout=1, attempts=2)
    with pytest.raises(PublishFailed):
        publisher.publish(registered_event())
    # No extra attempt: none of them had a connection that the broker could have dropped.
    assert [record.message.split(" to ")[0] for record in caplog.records if "publish attempt" in record.message] == [
        "publish attempt 1/2", "publish attempt 2/2"]


def test_a_connection_the_broker_dropped_is_replaced_at_once_even_with_one_attempt(rabbit_settings):
    """As after a broker restart: the connection a publisher opened earlier is gone. With a single
    attempt (the publish-after-commit path) the event still goes out, on a fresh connection, rather
    than waiting for the relay."""
    if not local_rabbitmq(rabbit_settings.amqp_url):
        pytest.skip("connections are closed from the broker's side on the local RabbitMQ only")
    user = f"publisher-{uuid.uuid4().hex[:8]}"
    with own_user(user) as amqp_url:
        settings = replace(rabbit_settings, amqp_url=amqp_url)
        publisher = EventPublisher(broker_connection(settings), Topology(settings.broker_namespace),
                                   confirm_timeout=3, attempts=1, connect_retries=0)
        try:
            publisher.publish(registered_event())
            close_connections(user)  # the broker sends its close; the publisher reads it on its next use
            publisher.publish(registered_event())
        finally:
            publisher.close()
    assert len(drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")) == 2
