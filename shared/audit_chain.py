"""The audit log as a hash chain: each record names the hash of the one before, so an edit shows.

A record is a flat document. Its ``hash`` is the SHA-256 of the canonical JSON of every field but
``_id`` and ``hash`` itself; those fields include ``seq`` (1, 2, 3 ... per service database) and
``prev_hash`` (the previous record's ``hash``; :data:`GENESIS` for the first). Altering a field,
adding or removing one, deleting a record or reordering records therefore breaks the chain at a
seq that :func:`verify_chain` names. Deleting the newest records leaves a shorter chain that is
still intact: only a head noted elsewhere (``python -m system.audit verify`` prints it) shows that.

Appending is safe with many writers (gunicorn workers, processes, hosts) and no transactions:
a unique index on ``seq`` lets exactly one writer claim each number; a writer that loses the race
gets ``DuplicateKeyError``, reads the new head and tries again, a bounded number of times.

Within a process, :class:`ChainWriter` commits in groups: the threads that append at the same moment
(gunicorn's threads answering concurrent requests) have their records chained and inserted
together, one head read and one ordered insert for all of them, and each thread returns only
once its own record is written. Every record is still durable before its request is answered;
under load a request costs a fraction of the two round trips instead of both.
Instants are stored as aware UTC datetimes at millisecond precision (BSON's), written by insert,
so that what is read back hashes to what was written, on MongoDB and on the stand-in alike.
"""
import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from shared.store import DUPLICATE_KEY

COLLECTION = "audit_log"
GENESIS = "0" * 64
# Fields outside the hash: the database's own id, and the hash itself.
UNHASHED = ("_id", "hash")
# Sparse: records written before the chain existed carry no seq and stay out of it.
SEQ_INDEX = IndexModel([("seq", ASCENDING)], unique=True, sparse=True, name="seq_unique")
CHAINED = {"seq": {"$gt": 0}}
APPEND_ATTEMPTS = 50


class AuditUnavailable(Exception):
    """The record could not be appended (database error, or the race for a seq lost every time)."""


def _canonical_value(value):
    if isinstance(value, datetime):
        instant = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"
    # Anything else a tampered record may hold is hashed by its type and text, never skipped.
    return {"$type": type(value).__name__, "$value": str(value)}


def canonical(record: dict) -> bytes:
    """The bytes a record's hash covers: sorted keys, no spaces, ASCII, instants as ISO-8601 UTC ms."""
    fields = {key: value for key, value in record.items() if key not in UNHASHED}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False,
                      default=_canonical_value).encode("ascii")


def record_hash(record: dict) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def chained(fields: dict, head: dict | None) -> dict:
    """The record that follows ``head`` (None: the first of the chain), with seq, prev_hash and hash."""
    record = {**fields, "seq": head["seq"] + 1 if head else 1, "prev_hash": head["hash"] if head else GENESIS}
    record["hash"] = record_hash(record)
    return record


def to_millisecond(instant: datetime) -> datetime:
    """An aware UTC instant as BSON stores it, so that the hash of what is read equals what was written."""
    instant = instant.astimezone(timezone.utc)
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Break:
    seq: int
    kind: str  # "altered", "deleted", "broken link", "out of order"
    detail: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind} ({self.detail})"


@dataclass
class Verdict:
    records: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def walk_chain(records: Iterable[dict]) -> Iterator[Break]:
    """Every break in ``records``, which are read in seq order; a stream, so any length fits."""
    previous: dict | None = None
    for record in records:
        seq = record.get("seq")
        expected_seq = previous["seq"] + 1 if previous else 1
        if not isinstance(seq, int) or isinstance(seq, bool):
            yield Break(expected_seq, "altered", f"seq is {seq!r}")
            continue
        if record.get("hash") != record_hash(record):
            yield Break(seq, "altered", "hash mismatch")
        if seq < expected_seq:
            yield Break(seq, "out of order", f"follows seq {expected_seq - 1}")
            continue
        if seq > expected_seq:
            missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq} to {seq - 1}"
            yield Break(expected_seq, "deleted", f"{missing} missing before seq {seq}")
        elif record.get("prev_hash") != (previous.get("hash") if previous else GENESIS):
            yield Break(seq, "broken link", "prev_hash is not the hash of the record before")
        previous = record


def verify_chain(records: Iterable[dict]) -> Verdict:
    """Recompute every hash and link of ``records`` (in seq order): what breaks, and the last record read."""
    verdict = Verdict()

    def counted(stream):
        for record in stream:
            verdict.records += 1
            verdict.head_seq, verdict.head_hash = record.get("seq"), record.get("hash")
            yield record

    verdict.breaks.extend(walk_chain(counted(records)))
    return verdict


def read_chain(collection: Collection) -> Iterator[dict]:
    return collection.find(CHAINED, sort=[("seq", ASCENDING)])


def head(collection: Collection) -> dict | None:
    return collection.find_one(CHAINED, sort=[("seq", DESCENDING)], projection={"seq": 1, "hash": 1})


def append(collection: Collection, fields: dict, attempts: int = APPEND_ATTEMPTS) -> dict:
    """Insert ``fields`` as the next record of the chain; raises :class:`AuditUnavailable`."""
    return append_many(collection, [fields], attempts)[0]

def append_many(collection: Collection, fields_list: list[dict], attempts: int = APPEND_ATTEMPTS) -> list[dict]:
    """Insert ``fields_list`` as the next records of the chain, in order: one head read and one
    ordered insert when no other writer intervenes; raises :class:`AuditUnavailable`."""
    done: list[dict] = []
    remaining = list(fields_list)
    for attempt in range(attempts):
        try:
            previous = head(collection)
            records = []
            for fields in remaining:
                previous = chained(fields, previous)
                records.append(previous)
            collection.insert_many(records, ordered=True)
            return done + records
        except BulkWriteError as error:
            failure = (error.details.get("writeErrors") or [{}])[0]
            if failure.get("code") != DUPLICATE_KEY:
                raise AuditUnavailable(f"audit record not written: {failure.get('errmsg')}") from error
            # Another writer took a seq. Those before the clash are in the chain (an ordered insert
            # stops at its first error); the rest are chained again after the new head, after a
            # little back-off (jitter spreads the contenders).
            done += records[:failure["index"]]
            remaining = remaining[failure["index"]:]
            time.sleep(random.uniform(0, min(0.05, 0.002 * (attempt + 1))))
        except Exception as error:
            raise AuditUnavailable(f"audit record not written: {type(error).__name__}") from error
    raise AuditUnavailable(f"audit record not written: lost the race for a seq {attempts} times")


class ChainWriter:
    """Group commit of one process's appends to one chain (see the module's docstring).

    Each caller queues its record, then waits for the flush lock; whoever holds it writes every
    record queued so far (its own and those of the threads that queued meanwhile) with
    :func:`append_many`. A caller whose record a previous holder wrote returns at once. A failed
    write fails every record of its group (each caller answers 503; none is left unsaid)."""

    def __init__(self, collection: Collection, attempts: int = APPEND_ATTEMPTS):
        self.collection = collection
        self.attempts = attempts
        self._queue: list[list] = []  # [fields, outcome]: outcome None until written or failed
        self._queue_lock = threading.Lock()
        self._flush_lock = threading.Lock()

    def append(self, fields: dict) -> dict:
        entry = [fields, None]
        with self._queue_lock:
            self._queue.append(entry)
        with self._flush_lock:
            if entry[1] is None:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                try:
                    records = append_many(self.collection, [queued[0] for queued in group], self.attempts)
                    for queued, record in zip(group, records):
                        queued[1] = record
                finally:
                    # Whatever ended the write (even an exception that is not the database's), no
                    # caller of the group is left without an answer: an unwritten record fails.
                    for queued in group:
                        if queued[1] is None:
                            queued[1] = AuditUnavailable("audit record not written: its group's write failed")
        if isinstance(entry[1], AuditUnavailable):
            raise AuditUnavailable(str(entry[1]))  # each caller its own exception: a traceback is not shared
        return entry[1]


_writers: dict[tuple, ChainWriter] = {}
_writers_lock = threading.Lock()


def chain_writer(collection: Collection) -> ChainWriter:
    """This process's writer of ``collection`` (made after any fork: a lock is not shared across one)."""
    key = (os.getpid(), id(collection.database.client), collection.full_name)
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = ChainWriter(collection)
        return writer
