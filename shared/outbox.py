"""The transactional outbox (ARCHITECTURE.md §2) on plain MongoDB documents.

An aggregate document carries its unpublished events in ``outbox``, a map from event id to
envelope, and their number in ``outbox_pending``. A state change and its events are one
single-document write, atomic on every MongoDB deployment. ``version`` guards read-modify-write
cycles against lost updates. The relay publishes each entry with confirms and removes it only then.

Why a map and a counter rather than an array: removing one entry by key (``$unset``) and finding
pending documents by an indexed counter work identically on MongoDB and on the embedded stand-in,
which mishandles ``$push`` of subdocuments and queries on array positions.
"""
import logging
from collections.abc import Callable, Iterable

from pymongo.collection import Collection
from pymongo.database import Database

log = logging.getLogger(__name__)

from shared.errors import Conflict

INTERNAL_FIELDS = ("_id", "outbox", "outbox_pending", "version")

# A value in ``changes`` that removes the field instead of setting it (``$unset``), e.g. to take
# a document out of a sparse unique index in the same atomic write.
UNSET = object()


class ConcurrentUpdate(Conflict):
    """The document kept changing between read and write; the client may simply retry."""


def insert_with_events(collection: Collection, document: dict, events: Iterable[dict] = ()) -> dict:
    """Insert a new aggregate together with the events its creation causes."""
    events = list(events)
    document = {**document, "version": 1, "outbox": _outbox(events), "outbox_pending": len(events)}
    collection.insert_one(document)
    return document


def update_with_events(
    collection: Collection,
    query: dict,
    changes: dict,
    events: Iterable[dict] = (),
    *,
    expected_version: int | None = None,
) -> bool:
    """Apply ``changes`` (``$set``) and append ``events`` in one atomic write.

    ``query`` names the document and the state it must still be in (for example
    ``{"_id": id, "site_id": site, "status": "active"}``); with ``expected_version`` the write also
    requires that nobody changed the document since it was read. Returns False when nothing matched.
    """
    events = list(events)
    query = dict(query)
    if expected_version is not None:
        query["version"] = expected_version
    removed = {field: "" for field, value in changes.items() if value is UNSET}
    update = {
        "$set": {**{f: v for f, v in changes.items() if v is not UNSET},
                 **{f"outbox.{event['event_id']}": event for event in events}},
        "$inc": {"version": 1, "outbox_pending": len(events)},
    }
    if removed:
        update["$unset"] = removed
    return collection.update_one(query, update).matched_count == 1


def modify(
    collection: Collection,
    query: dict,
    change: Callable[[dict], tuple[dict, list[dict]] | None],
    attempts: int = 5,
) -> dict | None:
    """Read-modify-write with optimistic concurrency.

    ``change(document)`` returns ``(changed_fields, events)``, or None to leave the document as it
    is. Returns the document as written, or None when no document matches ``query``.
    """
    for _ in range(attempts):
        document = collection.find_one(query)
        if document is None:
            return None
        outcome = change(document)
        if outcome is None:
            return document
        changes, events = outcome
        if update_with_events(collection, {"_id": document["_id"]}, changes, events, expected_version=document["version"]):
            written = {**document, **changes, "version": document["version"] + 1}
            return {field: value for field, value in written.items() if value is not UNSET}
    raise ConcurrentUpdate(f"{collection.name}: gave up after {attempts} concurrent updates")


def public_view(document: dict) -> dict:
    """The document without its storage bookkeeping."""
    return {key: value for key, value in document.items() if key not in INTERNAL_FIELDS}


def _outbox(events: list[dict]) -> dict:
    return {event["event_id"]: event for event in events}


class OutboxRelay:
    """Publishes pending outbox entries of a service's aggregate collections, oldest first.

    A crash between the broker's confirm and the removal republishes the entry on the next pass:
    delivery is at-least-once and consumers absorb the duplicate.
    """

    def __init__(self, db: Database, collections: Iterable[str], publish: Callable[[dict], None], batch_size: int = 100):
        self.db = db
        self.collections = list(collections)
        self.publish = publish
        self.batch_size = batch_size

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
        if published:
            log.info("relayed %d event(s)", published)
        return published
