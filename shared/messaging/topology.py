"""The one broker topology, declared from here by producers and consumers alike.

- ``<ns>.events``: topic exchange; the routing key of an event is its ``event_type``.
- ``<ns>.<service>.events``: each service's durable quorum queue, bound to the event types of
  its own handler table, with a delivery limit and dead-lettering to ``<ns>.dead-letter``.
- ``<ns>.<service>.dead-letter``: where a service's undecodable or repeatedly failing messages
  land, for operators to inspect and replay (``python -m system.dead_letters``).
- ``<ns>.journal``: a bounded copy of every event, so that an operator can follow one
  ``correlation_id`` through every service, and so that every event type is routable
  (publishes are ``mandatory``; an unroutable event is an error). Bounded by length
  (``x-max-length``, in its arguments) and by time (a message TTL of ``JOURNAL_MESSAGE_TTL_MS``,
  set by a RabbitMQ policy: :func:`journal_policy`).

Why the TTL is a policy and not a queue argument: RabbitMQ refuses to redeclare an existing queue
with different arguments (PRECONDITION_FAILED, and the channel is closed), and every deployed
journal was declared without a TTL; a policy applies to an existing queue in place, needs no
redeclaration and is removed as easily. Queue arguments here must therefore never change for an
existing queue name.

``subscriptions`` maps each service to the event types it consumes. A worker declares its own
queue from its handler table; the composition root (``system``) declares every service's before
any process starts, so no event published on a first boot misses a queue not yet declared.
"""
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kombu import Exchange, Queue, binding

JOURNAL_MAX_LENGTH = 100_000
JOURNAL_SUFFIX = ".journal"
JOURNAL_MESSAGE_TTL_MS = 24 * 60 * 60 * 1000


def journal_policy(namespace: str = "iop", ttl_ms: int = JOURNAL_MESSAGE_TTL_MS) -> tuple[str, str, dict]:
    """The policy that bounds the journal by time: (name, queue-name pattern, definition). Applied with
    ``rabbitmqctl set_policy --apply-to queues <name> '<pattern>' '<definition as JSON>'``."""
    return f"{namespace}-journal-ttl", "^" + re.escape(namespace) + r"\.journal$", {"message-ttl": ttl_ms}


def journal_policy_command(namespace: str = "iop", ttl_ms: int = JOURNAL_MESSAGE_TTL_MS) -> str:
    name, pattern, definition = journal_policy(namespace, ttl_ms)
    return f"rabbitmqctl set_policy --apply-to queues {name} '{pattern}' '{json.dumps(definition)}'"


@dataclass(frozen=True)
class Topology:
    namespace: str = "iop"
    delivery_limit: int = 5
    subscriptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def with_subscriptions(self, subscriptions: Mapping[str, tuple[str, ...]]) -> "Topology":
        return Topology(self.namespace, self.delivery_limit, dict(subscriptions))

    @property
    def events_exchange(self) -> Exchange:
        return Exchange(f"{self.namespace}.events", type="topic", durable=True)

    @property
    def dead_letter_exchange(self) -> Exchange:
        return Exchange(f"{self.namespace}.dead-letter", type="direct", durable=True)

    def service_queue(self, service: str) -> Queue:
        return Queue(
            f"{self.namespace}.{service}.events",
            bindings=[binding(self.events_exchange, routing_key=event_type) for event_type in self.subscriptions.get(service, ())],
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": self.delivery_limit,
                "x-dead-letter-exchange": self.dead_letter_exchange.name,
                "x-dead-letter-routing-key": service,
            },
        )

    def dead_letter_queue(self, service: str) -> Queue:
        return Queue(
            f"{self.namespace}.{service}.dead-letter",
            exchange=self.dead_letter_exchange,
            routing_key=service,
            durable=True,
            queue_arguments={"x-queue-type": "quorum"},
        )

    @property
    def journal_queue(self) -> Queue:
        return Queue(
            f"{self.namespace}{JOURNAL_SUFFIX}",
            exchange=self.events_exchange,
            routing_key="#",
            durable=True,
            queue_arguments={"x-queue-type": "quorum", "x-max-length": JOURNAL_MAX_LENGTH, "x-overflow": "drop-head"},
        )

    def all_queues(self) -> list[Queue]:
        queues = [self.journal_queue]
        for service in self.subscriptions:
            queues += [self.service_queue(service), self.dead_letter_queue(service)]
        return queues

    def declare(self, channel) -> None:
        """Declare every exchange, queue and binding. Idempotent; called once per connection."""
        self.events_exchange(channel).declare()
        self.dead_letter_exchange(channel).declare()
        for queue in self.all_queues():
            queue(channel).declare()
