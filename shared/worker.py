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

from shared import day_rollups, metrics
from shared.context import Handler, ServiceContext
from shared.http.idempotency import purge_expired
from shared.logging_setup import configure_logging
from shared.messaging.connection import broker_connection
from shared.messaging.consumer import INBOX, INBOX_INDEXES, EventConsumer
from shared.messaging.publisher import EventPublisher
from shared.observability import PUBLISHED_INDEXES, PipelineSampler, record_published
from shared.outbox import OutboxRelay

log = logging.getLogger(__name__)

# The safety net: publishing happens right after each write (shared.outbox.PublishAfterCommit);
# the relay publishes what that left (a broker down at write time, a process killed after its write).
# Where the relay is the only path (IOP_PUBLISH_AFTER_COMMIT=0, and tests' contexts), it polls
# every 0.2 s; behind publish-after-commit every 2 s: its polls are database queries, and under
# load (bench/RESULTS.md) 0.2 s polls of every worker took a sixth to a half of their time.
RELAY_INTERVAL_SECONDS = 0.2
RELAY_SAFETY_NET_SECONDS = 2.0
PUBLISHER_HEARTBEAT_SECONDS = 5
PIPELINE_SAMPLE_SECONDS = 5
IDEMPOTENCY_PURGE_SECONDS = 3600
# Touched on every loop so that a container healthcheck can tell a live worker from a stuck one.
HEARTBEAT_FILE = Path(os.environ.get("IOP_WORKER_HEARTBEAT_FILE", "/tmp/iop-worker.alive"))


@dataclass
class Periodic:
    """Runs ``action`` at most every ``interval`` seconds when called."""

    name: str
    interval: float
    action: Callable[[], object]
    _next_run: float = 0.0
    service: str = ""  # the metrics label; build_consumer sets it

    def __call__(self) -> None:
        now = time.monotonic()
        if now >= self._next_run:
            self._next_run = now + self.interval
            succeeded = False
            try:
                self.action()
                succeeded = True
            finally:
                metrics.sweep_ran(self.service, self.name, time.monotonic() - now, succeeded)


def build_consumer(
    context: ServiceContext,
    handlers: dict[str, Handler] | None = None,
    outbox_collections: list[str] | None = None,
    sweeps: list[Periodic] | None = None,
) -> tuple[EventConsumer, EventPublisher]:
    """The consumer of the service's queue with the relay and sweeps as its hooks. Tests may give
    their own handlers, collections or sweeps; by default they come from the context."""
    settings = context.settings
    handlers = context.handlers if handlers is None else handlers
    outbox_collections = context.store_class.OUTBOX_COLLECTIONS if outbox_collections is None else outbox_collections
    sweeps = context.sweeps(context) if sweeps is None else sweeps
    context.extra_indexes.update({**INBOX_INDEXES, **PUBLISHED_INDEXES})
    context.store.ensure_indexes({**INBOX_INDEXES, **PUBLISHED_INDEXES})
    publisher = EventPublisher(
        broker_connection(settings), context.topology,
        confirm_timeout=settings.confirm_timeout_seconds, attempts=settings.publish_attempts,
    )
    relay = OutboxRelay(context.db, outbox_collections, publisher.publish,
                        on_published=partial(record_published, context.db, context.service))
    after_commit = context.after_commit

    def keep_publishers_alive() -> None:
        # An idle publisher connection misses heartbeats and RabbitMQ closes it after about 60 s;
        # checking here keeps it open, so the first event after a quiet spell publishes at once.
        publisher.heartbeat_check()
        if after_commit is not None:
            after_commit.heartbeat_check()

    relay_interval = RELAY_SAFETY_NET_SECONDS if after_commit is not None else RELAY_INTERVAL_SECONDS
    hooks = [Periodic("outbox relay", relay_interval, relay.relay_pending),
             Periodic("publisher heartbeats", PUBLISHER_HEARTBEAT_SECONDS, keep_publishers_alive),
             Periodic("heartbeat", 5, HEARTBEAT_FILE.touch),
             Periodic("idempotency key purge", IDEMPOTENCY_PURGE_SECONDS, lambda: purge_expired(context.db)),
             *([Periodic("day rollups", day_rollups.SETTLE_INTERVAL_SECONDS, lambda: day_rollups.sweep(context.store))]
               if context.store_class.DAY_ROLLUPS else []),
             *sweeps,
             Periodic("pipeline metrics", PIPELINE_SAMPLE_SECONDS,
                      PipelineSampler(settings, context.db, context.service, outbox_collections))]
    for hook in hooks:
        if isinstance(hook, Periodic):
            hook.service = context.service
    bound = {event_type: partial(handler, context=context) for event_type, handler in handlers.items()}
    topology = context.topology.with_subscriptions({context.service: tuple(handlers)})
    consumer = EventConsumer(
        broker_connection(settings), topology, context.service, bound,
        context.db[INBOX], publisher, hooks=hooks, check_inbox=context.check_inbox,
    )
    return consumer, publisher


def run_worker(context: ServiceContext) -> None:
    configure_logging(f"{context.service}-worker")
    consumer, publisher = build_consumer(context)
    metrics_url = metrics.serve_worker_metrics()
    if metrics_url:
        log.info("%s worker metrics on %s", context.service, metrics_url)

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
        if context.after_commit is not None:
            context.after_commit.close()
        log.info("%s worker stopped", context.service)
