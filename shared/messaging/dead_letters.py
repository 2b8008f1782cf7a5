"""Operators' view of the dead-letter queues: see what failed and why, replay it to the service
that failed it, or discard it (the command line is ``iop dead-letters``).

- A dead letter is named by its id: the ``x-iop-dead-letter-id`` header the consumer gives it, or
  for one the broker dead-lettered itself, its event id (or the SHA-256 of its body when it holds
  no event). ``show`` and ``replay`` accept an event id too.
- Replay publishes the message, unchanged, to the owning service's own queue through the default
  exchange (routing key = queue name), never back to the topic exchange where every subscriber
  would see it again; it leaves the dead-letter queue only after the broker confirmed the
  republish. Discard removes it for good.
- Peeking takes messages without acking them and closes the channel, so what is not acted on goes
  back to the queue.
Summaries name ids, types, sites, correlation ids and reasons: never payloads.
"""
import hashlib
import json
from collections.abc import Callable, Iterable

from kombu import Queue

from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import Topology

DEAD_LETTER_ID = "x-iop-dead-letter-id"


def _body_bytes(message) -> bytes:
    return message.body if isinstance(message.body, bytes) else str(message.body).encode()


def _envelope(message) -> dict | None:
    try:
        body = json.loads(_body_bytes(message))
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def dead_letter_id(message) -> str:
    envelope = _envelope(message) or {}
    return str((message.headers or {}).get(DEAD_LETTER_ID) or envelope.get("event_id")
               or "sha256:" + hashlib.sha256(_body_bytes(message)).hexdigest()[:16])


def summary(message) -> dict:
    headers = message.headers or {}
    envelope = _envelope(message) or {}
    return {
        "id": dead_letter_id(message),
        "event_id": envelope.get("event_id"),
        "event_type": envelope.get("event_type") or headers.get("event_type"),
        "routing_key": headers.get("x-iop-original-routing-key"),
        "site_id": headers.get("site_id") or envelope.get("site_id"),
        "correlation_id": envelope.get("correlation_id"),
        "reason": headers.get("x-iop-dead-letter-reason") or _broker_reason(headers),
        "dead_lettered_at": headers.get("x-iop-dead-lettered-at"),
    }


def details(message) -> dict:
    """What ``show`` prints: the summary, the envelope's fields and its payload (ids and codes by
    contract), or for a body that holds no event its size, type and digest, never its bytes."""
    envelope = _envelope(message)
    found = {**summary(message), "content_type": message.content_type, "size_bytes": len(_body_bytes(message)),
             "sha256": hashlib.sha256(_body_bytes(message)).hexdigest()}
    if envelope is not None and "event_type" in envelope:
        found["envelope"] = {key: envelope.get(key) for key in ("event_version", "occurred_at", "causation_id", "producer")}
        found["payload"] = envelope.get("payload")
    return found


def _broker_reason(headers: dict) -> str | None:
    deaths = headers.get("x-death") or []
    return f"broker: {deaths[0].get('reason')}" if deaths else None


def _matches(message, wanted: set[str] | None) -> bool:
    if wanted is None:
        return True
    return dead_letter_id(message) in wanted or (_envelope(message) or {}).get("event_id") in wanted


def _each_dead_letter(settings, service: str, act: Callable, limit: int | None = None) -> list:
    """Take the service's dead letters one by one and call ``act(message)``; what ``act`` neither
    acks nor rejects goes back to the queue when the channel closes."""
    topology = Topology(settings.broker_namespace, settings.delivery_limit)
    results = []
    with broker_connection(settings) as connection:
        channel = connection.channel()
        queue = Queue(topology.dead_letter_queue(service).name, channel=channel, no_declare=True)
        taken = 0
        while limit is None or taken < limit:
            message = queue.get(no_ack=False)
            if message is None:
                break
            taken += 1
            result = act(message)
            if result is not None:
                results.append(result)
        channel.close()
    return results


def list_dead_letters(settings, service: str, limit: int = 100) -> list[dict]:
    """Peek at up to ``limit`` dead letters; they stay in the queue."""
    return _each_dead_letter(settings, service, summary, limit)


def inspect_dead_letters(settings, service: str, limit: int | None = None) -> list[dict]:
    """The details of every dead letter (up to ``limit``); they stay in the queue."""
    return _each_dead_letter(settings, service, details, limit)


def show_dead_letters(settings, service: str, ids: Iterable[str]) -> list[dict]:
    wanted = set(ids)
    return _each_dead_letter(settings, service, lambda message: details(message) if _matches(message, wanted) else None)


def replay_to_service(settings, service: str, ids: Iterable[str] | None = None, dry_run: bool = False,
                      limit: int | None = None) -> list[dict]:
    """Republish the chosen dead letters (all when ``ids`` is None) to ``service``'s own queue;
    each leaves the dead-letter queue once the broker confirmed it. Returns their summaries."""
    topology = Topology(settings.broker_namespace, settings.delivery_limit)
    target = topology.service_queue(service).name
    wanted = None if ids is None else set(ids)
    publisher = EventPublisher(broker_connection(settings), topology, settings.confirm_timeout_seconds,
                               settings.publish_attempts)
    done = []

    def replay(message):
        if not _matches(message, wanted) or (limit is not None and len(done) >= limit):
            return None
        if not dry_run:
            envelope = _envelope(message) or {}
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
            publisher.publish_raw("", target, _body_bytes(message), message.content_type, message.content_encoding,
                                  headers, properties={"message_id": envelope.get("event_id"),
                                                       "correlation_id": envelope.get("correlation_id")})
            message.ack()
        done.append(summary(message))
        return None

    try:
        _each_dead_letter(settings, service, replay)
    finally:
        publisher.close()
    return done


def discard_dead_letters(settings, service: str, ids: Iterable[str] | None = None, dry_run: bool = False) -> list[dict]:
    """Remove the chosen dead letters (all when ``ids`` is None) for good; returns their summaries."""
    wanted = None if ids is None else set(ids)

    def discard(message):
        if not _matches(message, wanted):
            return None
        if not dry_run:
            message.ack()
        return summary(message)

    return _each_dead_letter(settings, service, discard)


def replay_dead_letters(settings, service: str, limit: int | None = None) -> int:
    """Replay every dead letter of ``service`` (up to ``limit``) to its own queue; returns how many."""
    return len(replay_to_service(settings, service, limit=limit))
