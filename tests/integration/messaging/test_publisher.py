"""The publisher on a real RabbitMQ: confirmed, persistent JSON, and unroutable messages refused."""
import json

import pytest

from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher, PublishFailed, Unroutable
from shared.messaging.topology import Topology
from tests.conftest import make_envelope
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


def test_publishing_to_a_dead_broker_fails_after_the_bounded_attempts(rabbit_settings):
    from dataclasses import replace

    dead = replace(rabbit_settings, amqp_url="amqp://guest:guest@127.0.0.1:1//")
    publisher = EventPublisher(broker_connection(dead), Topology(dead.broker_namespace), confirm_timeout=1, attempts=2)
    with pytest.raises(PublishFailed):
        publisher.publish(registered_event())
