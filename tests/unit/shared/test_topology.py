"""The one topology: each service's queue is bound to the event types of its own handler table,
and queues are quorum queues with a delivery limit and dead-lettering."""
import importlib

import pytest

from shared.config import load_settings
from shared.events import registered_event_types
from shared.messaging.topology import Topology
from system import services


@pytest.mark.parametrize("service", services.SERVICES)
def test_a_service_queue_is_bound_to_exactly_the_events_its_handlers_take(service):
    handlers = importlib.import_module(f"services.{service}.handlers").HANDLERS
    queue = services.topology(load_settings({})).service_queue(service)
    assert {binding.routing_key for binding in queue.bindings} == set(handlers)


@pytest.mark.parametrize("service", services.SERVICES)
def test_a_worker_declares_its_own_queue_from_its_handler_table(service):
    context = services.bootstrap(service)
    assert {b.routing_key for b in context.topology.service_queue(service).bindings} == set(context.handlers)


@pytest.mark.parametrize("service", services.SERVICES)
def test_every_subscribed_event_type_has_a_schema(service):
    assert set(services.subscriptions()[service]) <= registered_event_types()


def test_service_queues_are_quorum_queues_with_a_delivery_limit_and_a_dead_letter_exchange():
    topology = Topology("iop", delivery_limit=5)
    arguments = topology.service_queue("aftercare").queue_arguments
    assert arguments == {"x-queue-type": "quorum", "x-delivery-limit": 5,
                         "x-dead-letter-exchange": "iop.dead-letter", "x-dead-letter-routing-key": "aftercare"}
    assert topology.dead_letter_queue("aftercare").routing_key == "aftercare"
