"""The transactional outbox (ARCHITECTURE.md §2): publishing right after the write, and the relay.

An aggregate document carries its unpublished events in ``outbox``, a map from event id to
envelope, and their number in ``outbox_pending``; ``shared.store.Documents`` writes a state change
and its events as one single-document write, atomic on every MongoDB deployment. Two paths then
publish each entry with confirms and remove it only after its confirm, with the same code
(:func:`publish_entries`):

- right after the write (:class:`PublishAfterCommit`), in the process that wrote it, so that no
  polling interval lies between a committed write and its publish. Any failure there (broker down,
  timeout, unroutable) is logged and the entry stays in the outbox: the write has committed, so
  nothing is raised into the request or the handler;
- the relay (:class:`OutboxRelay`), in the worker, every 2 s (every 0.2 s where it is the only
  path): the safety net that publishes whatever the first path left (a broker down at write
  time, a process killed after its write).

Why a map and a counter rather than an array: removing one entry by key (``$unset``) and finding
pending documents by an indexed counter work identically on MongoDB and on the embedded stand-in,
which mishandles ``$push`` of subdocuments and queries on array positions.
"""
import logging
import threading
import time
from collections.abc import Callable, Iterable

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

log = logging.getLogger(__name__)


def publish_entries(collection: Collection, outboxes: dict, publish: Callable[[dict], None],
                    on_published: Callable[[list[dict]], None] | None = None) -> int:
    """Publish the outbox entries of some documents (``outboxes``: document id → its outbox map),
    oldest first, then remove what was confirmed.

    The removal takes one round trip for all of them (a bulk write of one ``$unset`` per document,
    each guarded by the entries it removes still being there), whether every publish succeeded or
    one raised: an exception from ``publish`` stops the publishing, the entries confirmed before it
    are still removed, and it propagates, leaving that entry and the later ones in their outboxes.
    A crash between a confirm and the removal republishes the entry later: delivery is
    at-least-once and consumers absorb the duplicate. ``on_published`` is told of the removed
    events in one call (the producer's published log is then one insert).
    """
    queue = sorted(((event, document_id) for document_id, outbox in outboxes.items() for event in (outbox or {}).values()),
                   key=lambda pair: pair[0]["occurred_at"])
    confirmed: dict = {}
    try:
        for event, document_id in queue:
            publish(event)
            confirmed.setdefault(document_id, []).append(event)
    finally:
        if confirmed:
            _remove_entries(collection, confirmed)
            if on_published is not None:
                on_published([event for events in confirmed.values() for event in events])
    return len(queue)


def _remove_entries(collection: Collection, confirmed: dict) -> None:
    """Remove confirmed entries: one guarded update per document, sent together. A guard fails only
    when the other path (relay or publish-after-commit) removed some of them meanwhile; then each
    entry is removed on its own, so that ``outbox_pending`` falls exactly once per entry."""
    def removal(document_id, events):
        keys = [f"outbox.{event['event_id']}" for event in events]
        # version moves too: a read-modify-write that read the entry must not write it back.
        return UpdateOne({"_id": document_id, **{key: {"$exists": True} for key in keys}},
                         {"$unset": {key: "" for key in keys}, "$inc": {"outbox_pending": -len(keys), "version": 1}})

    removals = [removal(document_id, events) for document_id, events in confirmed.items()]
    if collection.bulk_write(removals, ordered=False).matched_count == len(removals):
        return
    # The documents whose group update matched have no such entries left: their updates match nothing.
    collection.bulk_write([removal(document_id, [event]) for document_id, events in confirmed.items()
                           for event in events], ordered=False)


class OutboxRelay:
    """Publishes pending outbox entries of a service's aggregate collections, oldest first."""

    def __init__(self, db: Database, collections: Iterable[str], publish: Callable[[dict], None], batch_size: int = 100,
                 on_published: Callable[[list[dict]], None] | None = None):
        self.db = db
        self.collections = list(collections)
        self.publish = publish
        self.batch_size = batch_size
        # Told of the events confirmed and removed (metrics, the producer's published log).
        self.on_published = on_published

    def relay_pending(self) -> int:
        published = 0
        for name in self.collections:
            collection = self.db[name]
            # $gte 1, not $gt 0: the stand-in serves it from the index at half the cost.
            pending = collection.find({"outbox_pending": {"$gte": 1}}, {"outbox": 1}).limit(self.batch_size)
            outboxes = {document["_id"]: document.get("outbox") or {} for document in pending}
            if outboxes:
                published += publish_entries(collection, outboxes, self.publish, self.on_published)
        if published:
            log.info("relayed %d event(s)", published)
        return published


class PublishAfterCommit:
    """Publishes a document's outbox entries right after the write that put them there.

    ``make_publisher()`` gives an object with ``publish(event)``, ``close()``, ``heartbeat_check()``
    and ``refresh_if_idle(seconds)`` (an :class:`~shared.messaging.publisher.EventPublisher`); it is
    made on first use, in the process that uses it. One publish at a time per process (a lock:
    gunicorn's threads share it). After a failure the path pauses for ``pause_after_failure``
    seconds, so that a broker that is down costs one request a connection attempt, not every
    request; the relay publishes meanwhile.
    """

    def __init__(self, make_publisher: Callable[[], object], on_published: Callable[[list[dict]], None] | None = None,
                 idle_reconnect_seconds: float = 30.0, pause_after_failure: float = 5.0, lock_timeout: float = 5.0):
        self.make_publisher = make_publisher
        self.on_published = on_published
        self.idle_reconnect_seconds = idle_reconnect_seconds
        self.pause_after_failure = pause_after_failure
        self.lock_timeout = lock_timeout
        self._publisher = None
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def __call__(self, collection: Collection, outboxes: dict) -> int:
        """Publish the entries of documents just written (``outboxes``: document id → its outbox map).
        Never raises: what is not published stays in the outbox for the relay."""
        if not any(outboxes.values()) or time.monotonic() < self._paused_until:
            return 0
        if not self._lock.acquire(timeout=self.lock_timeout):
            return 0
        try:
            if self._publisher is None:
                self._publisher = self.make_publisher()
            # An idle connection may have been closed by the broker for missed heartbeats: start afresh
            # rather than let the first event after a quiet spell wait for a failed publish.
            self._publisher.refresh_if_idle(self.idle_reconnect_seconds)
            return publish_entries(collection, outboxes, self._publisher.publish, self.on_published)
        except Exception as exc:  # the write has committed: the relay publishes what is left
            self._paused_until = time.monotonic() + self.pause_after_failure
            log.warning("publish after commit of %s/%s failed, left to the relay: %r", collection.name,
                        ", ".join(map(str, outboxes)), exc)
            if self._publisher is not None:
                self._publisher.close()
            return 0
        finally:
            self._lock.release()

    def heartbeat_check(self) -> None:
        """Keep an idle connection alive; a loop (the worker's hooks) calls this every few seconds."""
        if self._publisher is not None and self._lock.acquire(blocking=False):
            try:
                self._publisher.heartbeat_check()
            finally:
                self._lock.release()

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.close()
