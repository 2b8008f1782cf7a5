"""What a worker records so that operators can see the pipeline: the producer's log of what it
published, the outbox backlog and the depth of the service's queues.

- ``published``: one record per event the relay published (ids, type, site, correlation,
  causation, enrollment id, times; never the payload), the producer's half of a journey (``iop
  journey``); the consumers' half is each service's ``inbox``.
- The outbox backlog and the age of its oldest entry, and the messages waiting in the service's
  queue and dead-letter queue, are sampled every few seconds into the worker's metrics.
"""
import logging
from datetime import datetime, timezone

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from shared import metrics
from shared.messaging.connection import broker_connection
from shared.messaging.topology import Topology
from shared.store import DUPLICATE_KEY

log = logging.getLogger(__name__)

PUBLISHED = "published"
PUBLISHED_INDEXES = {PUBLISHED: [IndexModel([("correlation_id", ASCENDING), ("occurred_at", ASCENDING)]),
                                 IndexModel([("enrollment_id", ASCENDING), ("occurred_at", ASCENDING)])]}


def record_published(db: Database, service: str, events: list[dict]) -> None:
    """After the broker confirmed ``events``: count them and keep the producer's record of each (one insert)."""
    for event in events:
        metrics.event_published(service, event["event_type"])
    records = [{
        "_id": event["event_id"],
        "event_type": event["event_type"],
        "site_id": event.get("site_id"),
        "correlation_id": event.get("correlation_id"),
        "causation_id": event.get("causation_id"),
        "enrollment_id": (event.get("payload") or {}).get("enrollment_id"),
        "occurred_at": str(event.get("occurred_at")),
        "published_at": datetime.now(timezone.utc).isoformat(),
    } for event in events]
    try:
        db[PUBLISHED].insert_many(records, ordered=False)
    except BulkWriteError as error:
        # A record already there: published again after a crash between the confirm and the outbox removal.
        others = [failure for failure in error.details.get("writeErrors", []) if failure.get("code") != DUPLICATE_KEY]
        if others:
            log.warning("%d published record(s) not written (%s)", len(others), others[0].get("errmsg"))
    except Exception as error:  # the events are out; a missing record only thins the journey
        log.warning("published records of %d event(s) not written (%s)", len(records), type(error).__name__)


def pending_outbox_events(db: Database, collections: list[str]) -> list[dict]:
    """Every event waiting in the outboxes of these collections (entries of the ``outbox`` map)."""
    pending = []
    for name in collections:
        for document in db[name].find({"outbox_pending": {"$gt": 0}}, {"outbox": 1}):
            pending.extend((document.get("outbox") or {}).values())
    return pending


def oldest_age_seconds(events: list[dict], now: datetime | None = None) -> float:
    if not events:
        return 0.0
    now = now or datetime.now(timezone.utc)
    oldest = min(_instant(event.get("occurred_at")) for event in events)
    return max((now - oldest).total_seconds(), 0.0)


def _instant(value) -> datetime:
    if isinstance(value, datetime):
        instant = value
    else:
        try:
            instant = datetime.fromisoformat(str(value))
        except ValueError:
            return datetime.now(timezone.utc)
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


def queue_depth(channel, queue_name: str) -> int | None:
    """Messages ready in a queue (passive declare: never creates it); None if it does not exist."""
    try:
        return channel.queue_declare(queue=queue_name, passive=True).message_count
    except Exception:
        return None


class PipelineSampler:
    """Samples the outbox backlog and the service's queue depths into the metrics; called from the
    worker's loop. A broker that does not answer leaves the last depths in place."""

    def __init__(self, settings, db: Database, service: str, collections: list[str]):
        self.settings = settings
        self.db = db
        self.service = service
        self.collections = list(collections)
        self.topology = Topology(settings.broker_namespace, settings.delivery_limit)
        self._connection = None

    def __call__(self) -> None:
        pending = pending_outbox_events(self.db, self.collections)
        metrics.outbox_health(self.service, len(pending), oldest_age_seconds(pending))
        try:
            channel = self._channel()
            for kind, queue in (("events", self.topology.service_queue(self.service)),
                                ("dead-letter", self.topology.dead_letter_queue(self.service))):
                depth = queue_depth(channel, queue.name)
                if depth is not None:
                    metrics.queue_depth(self.service, kind, depth)
                else:
                    self.close()  # a failed passive declare closes an AMQP channel
                    channel = self._channel()
        except Exception as error:
            log.warning("%s: queue depths not sampled (%s)", self.service, type(error).__name__)
            self.close()

    def _channel(self):
        if self._connection is None:
            self._connection = broker_connection(self.settings)
            self._connection.ensure_connection(max_retries=1, timeout=3)
        return self._connection.default_channel

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                pass
            self._connection = None
