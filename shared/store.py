"""The store boundary: every document a service writes or reads passes through one codec here.

Use cases and domain rules see Python values (``date``, aware ``datetime``, ``bool``); what the
database holds is the codec's business. Writing: a ``date`` becomes ``YYYY-MM-DD`` (BSON has no
date type and the strings sort by day), an instant becomes an aware UTC datetime. Reading: each
collection declares which paths hold instants, dates and booleans, and the codec gives those back
as such whatever the database returned.

Why reads need the declaration: the embedded stand-in (nx-27017) returns a datetime written with
``$set`` as a naive string and a boolean as 1/0 (README, "The database stand-in"). Writes here
avoid that path altogether (a change is a whole-document replace guarded by ``version``), and the
declared decoding absorbs whatever an older release, an operator or a ``$set`` left behind.

A path is dotted; ``*`` stands for every item of a list or every value of a map:
``Codec(instants=["created_at", "history.*.at"], dates=["follow_up.visits.*"])``.
"""
import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from pymongo import IndexModel
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.cause import Cause
from shared.errors import Conflict
from shared.events.registry import DomainEvent

# A value in a change that removes the field instead of setting it.
UNSET = object()
# Set by every write of a document that feeds a store's day rollups, until they hold it (shared/day_rollups.py).
ROLLUP_PENDING = "rollup_pending"
BOOKKEEPING = ("outbox", "outbox_pending", "version", ROLLUP_PENDING)
DUPLICATE_KEY = 11000


class ConcurrentUpdate(Conflict):
    """The document kept changing between read and write; the client may simply retry."""


def encode(value):
    """A Python value as stored: dates as ``YYYY-MM-DD``, instants as aware UTC, tuples as lists."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("store instants timezone-aware; a naive one would be read in the wrong zone")
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value


def query_of(query: dict) -> dict:
    """A query as the database is asked it: values encoded, and each top-level equality on a plain
    value spelled ``{"$eq": value}``.

    The same question on MongoDB. On the stand-in it is what lets SQLite use an index: a bare
    equality there also matches the elements of an array, an OR that no index serves, so a
    natural-key lookup that found nothing read the whole table. Membership in a list field is
    therefore always asked with ``$in``, never with a bare equality (dotted paths into lists are
    left as they are).
    """
    encoded = encode(query)
    return {key: _spelled_out(key, value) for key, value in encoded.items()}


def _spelled_out(key: str, value):
    if key in ("$and", "$or", "$nor"):
        return [query_of(part) for part in value]
    plain = isinstance(value, (str, int, float)) and not isinstance(value, bool)
    return {"$eq": value} if plain and key != "_id" and not key.startswith("$") and "." not in key else value


def _holds_instant(value) -> bool:
    if isinstance(value, dict):
        return any(_holds_instant(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_instant(item) for item in value)
    return isinstance(value, datetime)


def read_instant(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value


def read_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def read_boolean(value):
    return bool(value) if isinstance(value, int) else value


@dataclass(frozen=True)
class Codec:
    instants: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    _paths: list = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        booleans = (*self.booleans, ROLLUP_PENDING)  # the flag any collection's documents may carry
        paths = [(path.split("."), read) for paths, read in ((self.instants, read_instant), (self.dates, read_date),
                                                              (booleans, read_boolean)) for path in paths]
        object.__setattr__(self, "_paths", paths)

    def decode(self, document: dict | None) -> dict | None:
        if document is None:
            return None
        for parts, read in self._paths:
            _convert(document, parts, read)
        return document


def _convert(node, parts: list[str], read: Callable) -> None:
    head, rest = parts[0], parts[1:]
    if head == "*":
        keys = range(len(node)) if isinstance(node, list) else list(node) if isinstance(node, dict) else []
    else:
        keys = [head] if isinstance(node, dict) and head in node else []
    for key in keys:
        if rest:
            _convert(node[key], rest, read)
        elif node[key] is not None:
            node[key] = read(node[key])


def _set_path(document: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    if value is UNSET:
        document.pop(last, None)
    else:
        document[last] = value


class Documents:
    """One collection of a service, read and written through its codec, with the outbox (ARCHITECTURE.md §2).

    A document that causes events carries them in ``outbox`` (a map from event id to envelope) and
    their number in ``outbox_pending``, written in the same single-document write as the change.
    ``version`` guards every read-modify-write against lost updates.

    ``publish_after_commit(collection, outboxes)``, when given (the service context gives a
    :class:`shared.outbox.PublishAfterCommit`), is called after each write that leaves entries in
    the outbox (``outboxes``: document id → its outbox map): it publishes them at once and removes
    them after their confirms, and never raises; what it leaves, the relay publishes. Without it
    (tests, tools) only the relay publishes.
    """

    def __init__(self, collection: Collection, codec: Codec = Codec(),
                 publish_after_commit: Callable[[Collection, dict], object] | None = None,
                 feeds_rollups: bool = False):
        self.raw = collection
        self.codec = codec
        self.name = collection.name
        self.publish_after_commit = publish_after_commit
        # Every write flags the document for the day rollups it feeds, in that same write.
        self.flag = {ROLLUP_PENDING: True} if feeds_rollups else {}

    def _after_commit(self, outboxes: dict) -> None:
        if any(outboxes.values()) and self.publish_after_commit is not None:
            self.publish_after_commit(self.raw, outboxes)

    # -- reading ----------------------------------------------------------------------------------
    def find_one(self, query: dict, projection: dict | None = None) -> dict | None:
        return self.codec.decode(self.raw.find_one(query_of(query), projection))

    def find(self, query: dict, sort: list[tuple[str, int]] | None = None, skip: int = 0, limit: int = 0,
             projection: dict | None = None) -> list[dict]:
        cursor = self.raw.find(query_of(query), projection)
        if sort:
            cursor = cursor.sort(sort)
        return [self.codec.decode(document) for document in cursor.skip(skip).limit(limit)]

    def each(self, query: dict, projection: dict | None = None, batch_size: int = 100) -> Iterator[dict]:
        """The matching documents one at a time, fetched ``batch_size`` at a time: for a sweep over
        a site, whose memory must not grow with the number of documents it visits (``find`` holds
        them all at once)."""
        for document in self.raw.find(query_of(query), projection).batch_size(batch_size):
            yield self.codec.decode(document)

    def count(self, query: dict) -> int:
        # count_documents groups on the constant 1, which the stand-in cannot run in SQL: it counts
        # in Python over the whole collection. A group on null is the same count to MongoDB and runs
        # in SQL, except that the stand-in's aggregation compares instants unlike its finds; a query
        # on an instant keeps count_documents.
        query = query_of(query)
        if _holds_instant(query):
            return self.raw.count_documents(query)
        pipeline = [{"$match": query}, {"$group": {"_id": None, "count": {"$sum": 1}}}]
        return next((group["count"] for group in self.raw.aggregate(pipeline)), 0)

    def count_by(self, query: dict, field: str) -> dict:
        """How many documents matching ``query`` hold each value of the top-level ``field``,
        counted by the database (one aggregation, not a document per item sent over). Not for a
        query on an instant: the stand-in's aggregation compares those unlike its finds."""
        pipeline = [{"$match": query_of(query)}, {"$group": {"_id": f"${field}", "count": {"$sum": 1}}}]
        return {group["_id"]: group["count"] for group in self.raw.aggregate(pipeline)}

    # -- writing ----------------------------------------------------------------------------------
    def insert(self, document: dict, events: Iterable[DomainEvent] = (), cause: Cause | None = None) -> dict:
        """Insert a new document with the events its creation causes. DuplicateKeyError propagates."""
        outbox = _envelopes(events, cause)
        stored = {**encode(document), "version": 1, "outbox": outbox, "outbox_pending": len(outbox), **self.flag}
        self.raw.insert_one(stored)
        self._after_commit({stored.get("_id"): outbox})
        return self.codec.decode({**document, **stored})

    def insert_once(self, document: dict, events: Iterable[DomainEvent] = (), cause: Cause | None = None) -> bool:
        """Insert a document whose id derives from its natural key; False when it is already there
        (a redelivery or a resumed creation), which the caller treats as done."""
        try:
            self.insert(document, events, cause)
            return True
        except DuplicateKeyError:
            return False

    def insert_many_once(self, documents_and_events: Iterable[tuple[dict, Iterable[DomainEvent]]],
                         cause: Cause | None = None) -> list:
        """:meth:`insert_once` for several documents in one round trip (and their events published
        in one more): those already there are skipped. Returns the ids of those inserted."""
        stored = []
        for document, events in documents_and_events:
            outbox = _envelopes(events, cause)
            stored.append({**encode(document), "version": 1, "outbox": outbox, "outbox_pending": len(outbox),
                           **self.flag})
        if not stored:
            return []
        try:
            self.raw.insert_many(stored, ordered=False)
            existing = set()
        except BulkWriteError as error:
            failures = error.details.get("writeErrors", [])
            if any(failure.get("code") != DUPLICATE_KEY for failure in failures):
                raise
            existing = {failure["index"] for failure in failures}
        inserted = [document for index, document in enumerate(stored) if index not in existing]
        self._after_commit({document["_id"]: document["outbox"] for document in inserted})
        return [document["_id"] for document in inserted]

    def modify(self, query: dict, change: Callable[[dict], tuple[dict, list[DomainEvent]] | None],
               cause: Cause | None = None, attempts: int = 5) -> dict | None:
        """Read-modify-write with optimistic concurrency.

        ``change(document)`` returns ``(changed_fields, events)`` or None to leave the document as it
        is; a changed field may be dotted (``"follow_up.met_on"``) and :data:`UNSET` removes it. The
        write replaces the whole document, guarded by its ``version``, so every value is stored as
        the codec writes it. Returns the document as written, or None when none matches ``query``.
        """
        for _ in range(attempts):
            stored = self.raw.find_one(query_of(query))
            if stored is None:
                return None
            document = self._change_as_read(stored, change, cause)
            if document is not None:
                return document
        raise ConcurrentUpdate(f"{self.name}: gave up after {attempts} concurrent updates")

    def modify_each(self, query: dict, changes: dict[str, Callable[[dict], tuple[dict, list[DomainEvent]] | None]],
                    cause: Cause | None = None) -> None:
        """:meth:`modify` of several documents by id (``changes``: id → its change; ``query`` narrows
        them, to a site say), all read in one round trip. An id that matches nothing is skipped; a
        document written by someone else since it was read is modified again on its own."""
        if not changes:
            return  # an empty $in reads the whole collection on the stand-in
        for stored in self.raw.find(query_of({**query, "_id": {"$in": list(changes)}})):
            change = changes[stored["_id"]]
            if self._change_as_read(stored, change, cause) is None:
                self.modify({**query, "_id": stored["_id"]}, change, cause)

    def _change_as_read(self, stored: dict, change: Callable[[dict], tuple[dict, list[DomainEvent]] | None],
                        cause: Cause | None) -> dict | None:
        """``change`` applied to a document as it was read (``stored``) and written guarded by its
        version: the document as it is then, or None when it was written since it was read."""
        document = self.codec.decode({key: value for key, value in stored.items() if key not in BOOKKEEPING})
        outcome = change(document)
        if outcome is None:
            return document
        changes, events = outcome
        for dotted, value in changes.items():
            _set_path(document, dotted, value)
        outbox = {**(stored.get("outbox") or {}), **_envelopes(events, cause)}
        written = {**encode(document), "outbox": outbox, "outbox_pending": len(outbox),
                   "version": stored.get("version", 0) + 1, **self.flag}
        guard = {"_id": stored["_id"], "version": stored.get("version")}
        if self.raw.replace_one(guard, written).matched_count != 1:
            return None
        self._after_commit({stored["_id"]: outbox})
        return self.codec.decode({**document, **written})

    def modify_or_insert(self, query: dict, new_document: dict,
                         change: Callable[[dict], tuple[dict, list[DomainEvent]] | None],
                         cause: Cause | None = None, attempts: int = 5) -> dict:
        """:meth:`modify` the document matching ``query``; when there is none, insert ``new_document``
        with the change already applied. A read and a write either way (not an insert that fails
        and then a modify); a document made concurrently between the two is modified instead."""
        for _ in range(attempts):
            written = self.modify(query, change, cause)
            if written is not None:
                return written
            document = copy.deepcopy(new_document)
            changes, events = change(document) or ({}, [])
            for dotted, value in changes.items():
                _set_path(document, dotted, value)
            try:
                return self.insert(document, events, cause)
            except DuplicateKeyError:
                continue
        raise ConcurrentUpdate(f"{self.name}: gave up after {attempts} concurrent updates")

    def replace_if_unchanged(self, stored: dict, changes: dict) -> bool:
        """Set ``changes`` on a document as it was read (``stored``), unless it was written since:
        one write guarded by the version read, never retried (for a value derived from what was
        read, which a retry would have to derive again). False when the guard failed."""
        guard = {"_id": stored["_id"], "version": stored.get("version")}
        return self.raw.update_one(guard, {"$set": {**encode(changes), **self.flag},
                                           "$inc": {"version": 1}}).matched_count == 1

    def lower(self, query: dict, field: str, value) -> None:
        """Lower ``field`` to ``value`` where it is higher, atomically, as a write that moves the
        version on: a guarded write prepared from an earlier read then fails. A condition on the
        field and a ``$set``, not ``$min``: the embedded stand-in's ``$min`` on an instant keeps the
        higher one."""
        self.raw.update_one({**query_of(query), field: {"$gt": encode(value)}},
                            {"$set": {field: encode(value), **self.flag}, "$inc": {"version": 1}})

    def delete(self, query: dict) -> int:
        return self.raw.delete_many(query_of(query)).deleted_count


def _envelopes(events: Iterable[DomainEvent], cause: Cause | None) -> dict:
    events = list(events)
    if events and cause is None:
        raise ValueError("events need the cause that brings them about")
    envelopes = [cause.envelope(event) for event in events]
    return {envelope["event_id"]: envelope for envelope in envelopes}


def public_view(document: dict) -> dict:
    """The document without its storage bookkeeping."""
    return {key: value for key, value in document.items() if key not in ("_id", *BOOKKEEPING)}


class Store:
    """A service's collections. A subclass declares ``COLLECTIONS`` (name → codec), ``INDEXES`` and
    ``OUTBOX_COLLECTIONS``; each collection is then an attribute of that name.

    The same class runs on MongoDB, on the embedded stand-in, and in unit tests on an in-memory
    database (``tests/in_memory.py``), so use cases are tested without a database server.
    """

    COLLECTIONS: dict[str, Codec] = {}
    INDEXES: dict[str, list[IndexModel]] = {}
    OUTBOX_COLLECTIONS: tuple[str, ...] = ()
    DAY_ROLLUPS: tuple = ()  # of shared.day_rollups.DayRollup

    def __init__(self, db: Database, publish_after_commit: Callable[[Collection, dict], object] | None = None):
        self.db = db
        sources = {rollup.source for rollup in self.DAY_ROLLUPS}
        for name, codec in self.COLLECTIONS.items():
            setattr(self, name, Documents(db[name], codec, publish_after_commit, feeds_rollups=name in sources))

    def ensure_indexes(self, extra: dict[str, list[IndexModel]] | None = None) -> None:
        """Creating an existing index is a no-op, so every process may call this."""
        indexes = {name: list(models) for name, models in self.INDEXES.items()}
        for rollup in self.DAY_ROLLUPS:
            for name, models in rollup.indexes().items():
                indexes.setdefault(name, []).extend(models)
        for name, models in {**indexes, **(extra or {})}.items():
            if models:
                self.db[name].create_indexes(models)
