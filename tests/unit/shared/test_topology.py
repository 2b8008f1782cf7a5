"""The one topology: each service's subscriptions and its handlers agree, and queues are quorum
queues with a delivery limit and dead-lettering."""
import importlib

import pytest

from shared.events import registered_event_types
from shared.messaging.topology import SERVICES, SUBSCRIPTIONS, Topology


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_handles_exactly_the_events_it_subscribes_to(service):
    handlers = importlib.import_module(f"services.{service}.handlers").HANDLERS
    assert set(handlers) == set(SUBSCRIPTIONS[service])


@pytest.mark.parametrize("service", SERVICES)
def test_every_subscribed_event_type_has_a_schema(service):
    assert set(SUBSCRIPTIONS[service]) <= registered_event_types()


def test_service_queues_are_quorum_queues_with_a_delivery_limit_and_a_dead_letter_exchange():
    topology = Topology("iop", delivery_limit=5)
    arguments = topology.service_queue("aftercare").queue_arguments
    assert arguments == {"x-queue-type": "quorum", "x-delivery-limit": 5,
                         "x-dead-letter-exchange": "iop.dead-letter", "x-dead-letter-routing-key": "aftercare"}
    assert topology.dead_letter_queue("aftercare").routing_key == "aftercare"
