"""The consumer every worker runs: idempotent, ack-after-write, never dropping a message.

- Ack only after the handler's writes and the inbox record are acknowledged by the database.
- The inbox (unique on event id) skips events already handled; handlers are still written to be
  idempotent by natural key, because a crash can fall between their write and the inbox record.
  A service whose every write is keyed by the event's id (webhooks: one delivery per event and
  endpoint) runs without the check (``check_inbox=False``): a redelivery then re-runs a handler
  that writes nothing new, and each event saves a database round trip. The record is kept, for
  operators' journeys.
- A handler exception never ends the loop: the message is requeued, and after ``delivery_limit``
  attempts it is published to the service's dead-letter queue (explicitly, so that the embedded
  transport behaves like RabbitMQ; the quorum queue's own delivery limit is the backstop).
- The database being unreachable or stepping down says nothing about the event: the delivery
  waits for the database a little, then goes back to the end of the queue as a fresh copy, so
  that no outage, however long, uses up its attempts (a requeue would: a quorum queue counts
  every return). Consumption is paused meanwhile, and the copy is published before the original
  is acked (at worst a duplicate, which the inbox skips).
- An undecodable message (bad JSON, pickle, an envelope or payload that fails its schema) goes
  straight to the dead-letter queue; kombu's default would ack it, which is silent loss.
- ``hooks`` (the outbox relay, timed sweeps) run between deliveries on this same thread.
"""
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from kombu import Connection
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import ConnectionFailure, DuplicateKeyError, PyMongoError

from shared import metrics
from shared.events import Event, UnknownEvent, load_event
from shared.logging_setup import event_context
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import Topology

log = logging.getLogger(__name__)

# Each service's record of the events it handled: unique by event id, with the correlation id so
# that an operator can follow one request through every service (``python -m system.trace``).
INBOX = "inbox"
INBOX_INDEXES = {INBOX: [IndexModel([("correlation_id", ASCENDING), ("handled_at", ASCENDING)]),
                         IndexModel([("enrollment_id", ASCENDING), ("handled_at", ASCENDING)])]}

Handler = Callable[[Event], None]

# How long a delivery that met an unavailable database waits for it before going back to the queue.
DATABASE_WAIT_SECONDS = 10


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is the database being unreachable, shutting down or
    stepping down (pymongo's ``ConnectionFailure`` family, or an error labelled transient)."""
    while error is not None:
        if isinstance(error, ConnectionFailure) or (
                isinstance(error, PyMongoError) and error.has_error_label("TransientTransactionError")):
            return True
        error = error.__cause__ or error.__context__
    return False


class EventConsumer(ConsumerMixin):
    def __init__(
        self,
        connection: Connection,
        topology: Topology,
        service: str,
        handlers: dict[str, Handler],
        inbox: Collection,
        publisher: EventPublisher,
        hooks: list[Callable[[], None]] = (),
        prefetch_count: int = 10,
        check_inbox: bool = True,
    ):
        self.connection = connection
        self.topology = topology
        self.service = service
        self.handlers = handlers
        self.inbox = inbox
        self.publisher = publisher
        self.hooks = list(hooks)
        self.prefetch_count = prefetch_count
        self.check_inbox = check_inbox
        self._local_attempts: dict[str, int] = {}
        self.consuming = threading.Event()  # set while subscribed to the queue

    def get_consumers(self, Consumer, channel):
        self.topology.declare(channel)
        return [
            Consumer(
                queues=[self.topology.service_queue(self.service)],
                callbacks=[self.on_message],
                accept=["json"],
                prefetch_count=self.prefetch_count,
            )
        ]

    def on_connection_revived(self):
        log.info("%s consumer connected", self.service)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.consuming.set()

    def on_consume_end(self, connection, channel):
        self.consuming.clear()

    def on_iteration(self):
        for hook in self.hooks:
            try:
                hook()
            except Exception:
                log.exception("%s: %s failed; it runs again on the next iteration", self.service, getattr(hook, "name", hook))

    def on_decode_error(self, message, exc):
        self.dead_letter(message, f"undecodable body: {exc}")

    def on_message(self, body, message):
        try:
            self._handle(body, message)
        except Exception as exc:  # nothing may escape: an exception here would end run()
            if database_unavailable(exc):
                self.return_uncounted(message, exc)
                return
            log.exception("%s: unexpected failure handling message %s", self.service, message.properties.get("message_id"))
            self.retry_or_dead_letter(message, f"consumer failure: {exc!r}")

    def _handle(self, body, message):
        try:
            event = load_event(body if isinstance(body, dict) else {})
        except (ValidationError, UnknownEvent) as exc:
            self.dead_letter(message, f"invalid event: {exc}")
            return
        handler = self.handlers.get(event.event_type)
        if handler is None:
            message.ack()
            return
        with event_context(event.site_id, event.correlation_id, event_id=event.event_id, event_type=event.event_type):
            self._handle_event(event, handler, message)

    def _handle_event(self, event: Event, handler: Handler, message) -> None:
        if self.check_inbox and self.inbox.find_one({"_id": event.event_id}, {"_id": 1}) is not None:
            log.info("%s: %s %s already handled", self.service, event.event_type, event.event_id)
            metrics.duplicate_skipped(self.service, event.event_type)
            message.ack()
            return
        try:
            handler(event)
        except Exception as exc:
            if database_unavailable(exc):
                self.return_uncounted(message, exc)
                return
            log.exception("%s: handler for %s failed on event %s", self.service, event.event_type, event.event_id)
            self.retry_or_dead_letter(message, f"handler failed: {exc!r}")
            return
        try:
            self.inbox.insert_one({
                "_id": event.event_id,
                "event_type": event.event_type,
                "site_id": event.site_id,
                "correlation_id": event.correlation_id,
                "handled_at": datetime.now(timezone.utc),
                # For operators' journeys (``iop journey``): who produced it, what caused it, whose it is.
                "producer": event.producer,
                "causation_id": event.causation_id,
                "enrollment_id": event.payload.get("enrollment_id"),
            })
        except DuplicateKeyError:
            pass  # a competing consumer handled the duplicate at the same moment
        metrics.event_consumed(self.service, event.event_type, event.occurred_at)
        self._local_attempts.pop(event.event_id, None)
        message.ack()

    def retry_or_dead_letter(self, message, reason: str) -> None:
        attempt = self._attempt_number(message)
        if attempt >= self.topology.delivery_limit:
            self._local_attempts.pop(message.properties.get("message_id") or str(message.delivery_tag), None)
            self.dead_letter(message, f"{reason} (after {attempt} attempts)")
            return
        metrics.delivery_retried(self.service, metrics.message_event_type(message))
        time.sleep(min(0.2 * 2 ** attempt, 3))  # back off a little: a redelivery comes at once
        message.requeue()

    def return_uncounted(self, message, error: BaseException) -> None:
        """Put the message back at the end of its queue without using up an attempt, once the
        database answers again or DATABASE_WAIT_SECONDS have passed."""
        log.warning("%s: database unavailable (%r); the message goes back to its queue uncounted", self.service, error)
        metrics.delivery_retried(self.service, metrics.message_event_type(message))
        self._wait_for_database()
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        headers = {name: value for name, value in (message.headers or {}).items() if name != "x-delivery-count"}
        try:
            self.publisher.publish_raw(
                "", self.topology.service_queue(self.service).name, body, message.content_type,
                message.content_encoding, headers,
                properties={"message_id": message.properties.get("message_id"),
                            "correlation_id": message.properties.get("correlation_id")},
            )
        except Exception:
            # Not confirmed: a plain requeue keeps it (at the cost of one attempt) rather than lose it.
            log.exception("%s: returning the message failed; requeued", self.service)
            message.requeue()
            return
        message.ack()

    def _wait_for_database(self) -> None:
        deadline = time.monotonic() + DATABASE_WAIT_SECONDS
        while not self.should_stop and time.monotonic() < deadline:
            try:
                self.inbox.database.client.admin.command("ping")
                return
            except PyMongoError:
                time.sleep(1)

    def _attempt_number(self, message) -> int:
        headers = message.headers or {}
        if "x-delivery-count" in headers:  # set by RabbitMQ quorum queues on redelivery
            return int(headers["x-delivery-count"]) + 1
        key = message.properties.get("message_id") or str(message.delivery_tag)
        self._local_attempts[key] = self._local_attempts.get(key, 0) + 1
        return self._local_attempts[key]

    def dead_letter(self, message, reason: str) -> None:
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        headers = {
            **(message.headers or {}),
            "x-iop-dead-letter-reason": reason[:1000],
            "x-iop-original-routing-key": message.delivery_info.get("routing_key", ""),
            "x-iop-dead-lettered-at": datetime.now(timezone.utc).isoformat(),
            # The id operators name it by (``iop dead-letters show|replay|discard``).
            "x-iop-dead-letter-id": str(uuid.uuid4()),
        }
        try:
            self.publisher.publish_raw(
                self.topology.dead_letter_exchange, self.service, body,
                message.content_type, message.content_encoding, headers,
            )
        except Exception:
            # Not confirmed: keep the message where it is rather than lose it; it comes back later.
            log.exception("%s: dead-lettering failed; message requeued", self.service)
            time.sleep(1)
            message.requeue()
            return
        log.error("%s: message dead-lettered: %s", self.service, reason[:200])
        metrics.dead_lettered(self.service, metrics.message_event_type(message))
        message.ack()
