"""Publishing events: JSON only, persistent, ``mandatory``, with publisher confirms, a confirm
timeout and a bounded retry (nameko's defaults, ARCHITECTURE.md §4). A connection the broker
dropped since its last use is replaced at once, as one extra attempt.

Declarations happen once per connection, not per publish (re-declaring on every publish was
measured 50× slower, kombu #651).
"""
import logging
import socket
import time

from amqp.exceptions import MessageNacked, RecoverableConnectionError
from kombu import Connection, Producer
from kombu.exceptions import OperationalError

from shared.messaging.topology import Topology

log = logging.getLogger(__name__)


# What a connection that the broker dropped since its last use raises on the next publish. Not a
# timeout: a broker that does not answer would make the extra attempt wait as long again.
DROPPED_CONNECTION = (ConnectionError, RecoverableConnectionError)


class PublishFailed(Exception):
    """The broker did not confirm the event after every attempt; the caller keeps it to retry later."""


class Unroutable(PublishFailed):
    """The broker returned a ``mandatory`` message: no queue is bound for its routing key."""


class EventPublisher:
    def __init__(self, connection: Connection, topology: Topology, confirm_timeout: float = 5.0, attempts: int = 3,
                 connect_retries: int = 1):
        self._template = connection
        self.topology = topology
        self.confirm_timeout = confirm_timeout
        self.attempts = attempts
        # 0: one connection attempt and no sleep (the publish-after-commit path, which leaves a
        # failure to the relay instead of making a request wait).
        self.connect_retries = connect_retries
        self._last_used = 0.0
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._returned: list[str] = []

    def publish(self, event: dict) -> None:
        """Publish an event envelope as JSON; returns only once the broker has confirmed it."""
        self._publish_confirmed(
            body=event,
            exchange=self.topology.events_exchange,
            routing_key=event["event_type"],
            serializer="json",
            headers={"event_type": event["event_type"], "event_version": event["event_version"], "site_id": event["site_id"]},
            message_id=event["event_id"],
            correlation_id=event["correlation_id"],
        )

    def publish_raw(self, exchange, routing_key: str, body: bytes, content_type: str, content_encoding: str,
                    headers: dict, properties: dict | None = None) -> None:
        """Publish bytes as they are, e.g. a dead letter kept exactly as it arrived. ``exchange`` ""
        is the default exchange: the routing key names the one queue that receives it. ``properties``
        (message_id, correlation_id) are set where given."""
        self._publish_confirmed(
            body=body, exchange=exchange, routing_key=routing_key, headers=headers,
            content_type=content_type or "application/octet-stream", content_encoding=content_encoding or "binary",
            **{name: value for name, value in (properties or {}).items() if value is not None},
        )

    def _publish_confirmed(self, routing_key: str, **publish_arguments) -> None:
        last_error: Exception | None = None
        attempt, stale_connection_replaced = 1, False
        while attempt <= self.attempts:
            connection_was_open = self._producer is not None
            try:
                producer = self._ensure_producer()
                self._returned.clear()
                producer.publish(
                    routing_key=routing_key,
                    delivery_mode=2,
                    mandatory=True,
                    declare=[],
                    retry=False,
                    timeout=self.confirm_timeout,
                    confirm_timeout=self.confirm_timeout,
                    **publish_arguments,
                )
            except (MessageNacked, OperationalError, socket.timeout, TimeoutError, OSError,
                    *self._template.connection_errors, *self._template.channel_errors) as exc:
                # After a timeout or a lost connection the channel's state is unknown: start afresh.
                last_error = exc
                self.close()
                if connection_was_open and not stale_connection_replaced and isinstance(exc, DROPPED_CONNECTION):
                    # A connection opened earlier was dropped (a broker restart, a failover): that says
                    # nothing of the broker now, so a fresh connection is tried at once, as an extra attempt.
                    log.info("publisher connection dropped since its last use (%r); %s goes on a fresh one", exc, routing_key)
                    stale_connection_replaced = True
                    continue
                log.warning("publish attempt %d/%d to %s failed: %r", attempt, self.attempts, routing_key, exc)
                if attempt < self.attempts:
                    time.sleep(min(0.5 * 2 ** (attempt - 1), 5))
                attempt += 1
                continue
            self._last_used = time.monotonic()
            if self._returned:
                raise Unroutable(f"no queue is bound for routing key '{routing_key}': {self._returned[0]}")
            return
        raise PublishFailed(f"'{routing_key}' not confirmed after {self.attempts} attempts: {last_error!r}")

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            connection = self._template.clone()
            if self.connect_retries:
                connection.ensure_connection(max_retries=self.connect_retries, timeout=self.confirm_timeout)
            else:
                connection.connect()
            channel = connection.channel()
            self.topology.declare(channel)
            self._connection = connection
            # Only AMQP channels report returned (unroutable) messages; the embedded transport
            # routes an unmatched message to its own "undeliverable" queue instead.
            on_return = self._on_return if hasattr(channel, "events") else None
            self._producer = Producer(channel, on_return=on_return)
            self._last_used = time.monotonic()
        return self._producer

    def heartbeat_check(self) -> None:
        """Send and check AMQP heartbeats on an open connection; call it every few seconds from a
        loop. A connection the broker already closed is dropped, to be made afresh on next use."""
        if self._connection is None or not self._template.heartbeat:
            return  # the embedded transport has no heartbeats
        try:
            self._connection.heartbeat_check()
            self._last_used = time.monotonic()
        except Exception as exc:
            log.info("publisher connection lost while idle (%r); reconnecting on next publish", exc)
            self.close()

    def refresh_if_idle(self, seconds: float) -> None:
        """Drop a connection unused for ``seconds`` (the broker may have closed it for missed
        heartbeats) so that the next publish opens a fresh one instead of failing first."""
        if self._connection is not None and time.monotonic() - self._last_used > seconds:
            self.close()

    def _on_return(self, exception, exchange, routing_key, message) -> None:
        # Record only: raising here would leave the broker's ack unread on the channel.
        self._returned.append(f"{exception}")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a broken connection may fail to close; it is discarded either way
                pass
        self._connection = None
        self._producer = None
