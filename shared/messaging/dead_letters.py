"""Operators' view of the dead-letter queues: see what failed and why, and replay it
(the command line is ``python -m system.dead_letters``).

Replay publishes each message, unchanged, back to the events exchange with its original routing
key (so every subscribed service sees it again: their inboxes absorb what they already handled),
and removes it from the dead-letter queue only after the broker confirmed the republish.
Output names event ids, types, sites and reasons: never payloads.
"""
import json

from kombu import Queue

from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import Topology


def summary(message) -> dict:
    headers = message.headers or {}
    try:
        body = json.loads(message.body) if isinstance(message.body, (str, bytes)) else message.body
        event_id = body.get("event_id") if isinstance(body, dict) else None
    except ValueError:
        event_id = None
    return {
        "event_id": event_id,
        "routing_key": headers.get("x-iop-original-routing-key"),
        "site_id": headers.get("site_id"),
        "reason": headers.get("x-iop-dead-letter-reason") or _broker_reason(headers),
        "dead_lettered_at": headers.get("x-iop-dead-lettered-at"),
    }


def _broker_reason(headers: dict) -> str | None:
    deaths = headers.get("x-death") or []
    return f"broker: {deaths[0].get('reason')}" if deaths else None


def list_dead_letters(settings, service: str, limit: int = 100) -> list[dict]:
    """Peek at up to ``limit`` dead letters; they stay in the queue (never acked)."""
    topology = Topology(settings.broker_namespace, settings.delivery_limit)
    found = []
    with broker_connection(settings) as connection:
        channel = connection.channel()
        queue = Queue(topology.dead_letter_queue(service).name, channel=channel, no_declare=True)
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            found.append(summary(message))
        channel.close()  # unacked messages go back to the queue
    return found


def replay_dead_letters(settings, service: str, limit: int | None = None) -> int:
    topology = Topology(settings.broker_namespace, settings.delivery_limit)
    publisher = EventPublisher(broker_connection(settings), topology, settings.confirm_timeout_seconds,
                               settings.publish_attempts)
    replayed = 0
    try:
        with broker_connection(settings) as connection:
            queue = Queue(topology.dead_letter_queue(service).name, channel=connection.channel(), no_declare=True)
            while limit is None or replayed < limit:
                message = queue.get(no_ack=False)
                if message is None:
                    break
                headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
                routing_key = (message.headers or {}).get("x-iop-original-routing-key") or message.delivery_info["routing_key"]
                body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
                publisher.publish_raw(topology.events_exchange, routing_key, body, message.content_type,
                                      message.content_encoding, headers)
                message.ack()
                replayed += 1
    finally:
        publisher.close()
    return replayed
