"""The relay of the transactional outbox (ARCHITECTURE.md §2).

An aggregate document carries its unpublished events in ``outbox``, a map from event id to
envelope, and their number in ``outbox_pending``; ``shared.store.Documents`` writes a state change
and its events as one single-document write, atomic on every MongoDB deployment. The relay
publishes each entry with confirms and removes it only then.

Why a map and a counter rather than an array: removing one entry by key (``$unset``) and finding
pending documents by an indexed counter work identically on MongoDB and on the embedded stand-in,
which mishandles ``$push`` of subdocuments and queries on array positions.
"""
import logging
from collections.abc import Callable, Iterable

from pymongo.database import Database

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes pending outbox entries of a service's aggregate collections, oldest first.

    A crash between the broker's confirm and the removal republishes the entry on the next pass:
    delivery is at-least-once and consumers absorb the duplicate.
    """

    def __init__(self, db: Database, collections: Iterable[str], publish: Callable[[dict], None], batch_size: int = 100,
                 on_published: Callable[[dict], None] | None = None):
        self.db = db
        self.collections = list(collections)
        self.publish = publish
        self.batch_size = batch_size
        # Told of each event once it is confirmed and removed (metrics, the producer's published log).
        self.on_published = on_published

    def relay_pending(self) -> int:
        published = 0
        for name in self.collections:
            collection = self.db[name]
            pending = collection.find({"outbox_pending": {"$gt": 0}}, {"outbox": 1}).limit(self.batch_size)
            for document in list(pending):
                entries = sorted((document.get("outbox") or {}).values(), key=lambda event: event["occurred_at"])
                for event in entries:
                    self.publish(event)
                    collection.update_one(
                        {"_id": document["_id"], f"outbox.{event['event_id']}": {"$exists": True}},
                        # version moves too: a read-modify-write that read the entry must not write it back.
                        {"$unset": {f"outbox.{event['event_id']}": ""}, "$inc": {"outbox_pending": -1, "version": 1}},
                    )
                    published += 1
                    if self.on_published is not None:
                        self.on_published(event)
        if published:
            log.info("relayed %d event(s)", published)
        return published
