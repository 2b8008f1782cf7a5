"""The worker process of a service: consumes its queue, relays its outbox, runs its timed sweeps.

No consumer threads run inside gunicorn (ARCHITECTURE.md §1); this is the only place they run.
"""
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from shared.context import ServiceContext
from shared.database import ensure_indexes
from shared.events import Event
from shared.logging_setup import configure_logging
from shared.messaging.connection import broker_connection
from shared.messaging.consumer import EventConsumer
from shared.messaging.publisher import EventPublisher
from shared.outbox import OutboxRelay
from shared.trace import INBOX, INBOX_INDEXES

log = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 0.2
# Touched on every loop so that a container healthcheck can tell a live worker from a stuck one.
HEARTBEAT_FILE = Path(os.environ.get("IOP_WORKER_HEARTBEAT_FILE", "/tmp/iop-worker.alive"))


@dataclass
class Periodic:
    """Runs ``action`` at most every ``interval`` seconds when called."""

    name: str
    interval: float
    action: Callable[[], object]
    _next_run: float = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now >= self._next_run:
            self._next_run = now + self.interval
            self.action()


ContextHandler = Callable[[Event, ServiceContext], None]


def build_consumer(
    context: ServiceContext,
    handlers: dict[str, ContextHandler],
    outbox_collections: list[str],
    sweeps: list[Periodic] = (),
) -> tuple[EventConsumer, EventPublisher]:
    settings = context.settings
    ensure_indexes(context.db, INBOX_INDEXES)
    publisher = EventPublisher(
        broker_connection(settings), context.topology,
        confirm_timeout=settings.confirm_timeout_seconds, attempts=settings.publish_attempts,
    )
    relay = OutboxRelay(context.db, outbox_collections, publisher.publish)
    hooks = [Periodic("outbox relay", RELAY_INTERVAL_SECONDS, relay.relay_pending),
             Periodic("heartbeat", 5, HEARTBEAT_FILE.touch), *sweeps]
    bound = {event_type: partial(handler, context=context) for event_type, handler in handlers.items()}
    consumer = EventConsumer(
        broker_connection(settings), context.topology, context.service, bound,
        context.db[INBOX], publisher, hooks=hooks,
    )
    return consumer, publisher


def run_worker(context: ServiceContext, handlers: dict[str, ContextHandler], outbox_collections: list[str],
               sweeps: list[Periodic] = ()) -> None:
    configure_logging(f"{context.service}-worker")
    consumer, publisher = build_consumer(context, handlers, outbox_collections, sweeps)

    def stop(signum, frame):
        log.info("%s worker stopping (signal %s)", context.service, signum)
        consumer.should_stop = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("%s worker started", context.service)
    try:
        consumer.run(safety_interval=RELAY_INTERVAL_SECONDS)
    finally:
        publisher.close()
        log.info("%s worker stopped", context.service)
