"""Counts kept per site and calendar day, for the reports that count over days (intake's census,
aftercare's follow-up report and task report): a range then costs its number of days, not the size
of the site.

A store declares each rollup in ``DAY_ROLLUPS``: the collection that feeds it (enrollments, plans),
``entries_of(document) -> {day: {"<kind>.<document id>": value}}``, the collection those entries
are kept in (one document per site and day, an entry per source document), ``summarize(entries)``
and the collection of the days' summaries (counts only), which is what the reports read: a day's
entries grow with the site, its summary does not.

Every write of a source document through the store flags it (``rollup_pending``) in that same
write (``shared.store.Documents``), so nothing written is missed, whichever process wrote it and
whether or not it crashed just after. Settling reads the flagged documents and, for each day they
touch, writes their entries (one write, which answers with the day's entries as they now are and
a new version), then the day's summary computed from them unless a newer one is already there.
Last, it takes the flags off the documents that did not change meanwhile (guarded by the version
read, as ``Documents.modify`` guards its writes). An entry is keyed by its document and computed
from the document as it is, so settling twice, two settlers at once, or a crash between the writes
count nothing twice. The day an entry lands on must never change for a document (a start date, a
discharge date); its value may (a follow-up met).

Who settles: the report itself, for its site, before it counts (so it includes every write answered
before it, up to REPORT_BATCHES batches of them), and every worker whose store has rollups, every
few seconds (``shared.worker``), so that flags do not pile up at a site nobody asks about. A worker's first sweep also flags every document
of each source once (a mark in the entries collection remembers it), so that documents stored
before the rollup existed are counted too.
"""
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.store import ROLLUP_PENDING, Store, encode

# Documents settled per read; the workers' sweep goes on until none is left, a report's settling
# stops after REPORT_BATCHES (a backfill, or a burst of writes at a site, must not hold a request:
# what it leaves, the workers settle within seconds).
SETTLE_BATCH = 500
REPORT_BATCHES = 2
SETTLE_INTERVAL_SECONDS = 5
BACKFILL_MARK = "backfill:flagged"


@dataclass(frozen=True)
class DayRollup:
    source: str  # the collection whose documents feed it
    entries_of: Callable[[dict], dict[date, dict]]
    fields: tuple[str, ...]  # the fields of a source document that entries_of reads
    entries: str  # the collection of each day's entries
    summarize: Callable[[dict], dict]  # a day's entries document -> its counts
    days: str  # the collection of each day's counts

    def indexes(self) -> dict[str, list[IndexModel]]:
        return {self.source: [IndexModel([(ROLLUP_PENDING, ASCENDING)])],
                self.days: [IndexModel([("site_id", ASCENDING), ("date", ASCENDING)])]}


def day_id(site_id: str, day: date) -> str:
    return f"{site_id}:{day.isoformat()}"


def days_between(store: Store, rollup: DayRollup, site_id: str, first: date, last: date) -> list[dict]:
    """The summaries of the site's days from ``first`` to ``last`` (both included) that hold any
    entry, after settling what is flagged at the site."""
    settle(store, rollup, site_id, batches=REPORT_BATCHES)
    return getattr(store, rollup.days).find({"site_id": site_id, "date": {"$gte": first, "$lte": last}})


def days_with(store: Store, rollup: DayRollup, site_id: str, counts: dict) -> list[dict]:
    """The summaries of the site's days whose counts match ``counts`` (a query on the summary's
    fields, such as ``{"active": {"$gt": 0}}``), after settling what is flagged at the site."""
    settle(store, rollup, site_id, batches=REPORT_BATCHES)
    return getattr(store, rollup.days).find({"site_id": site_id, **counts})


def settle(store: Store, rollup: DayRollup, site_id: str | None = None, batches: int | None = None) -> int:
    """Write the entries of every flagged document (of one site, or of all; at most ``batches``
    batches of SETTLE_BATCH when given) into their days and take the flags off; returns how many
    documents were settled."""
    source = getattr(store, rollup.source)
    flagged = {ROLLUP_PENDING: True, **({"site_id": site_id} if site_id else {})}
    projection = dict.fromkeys(("site_id", "version", *rollup.fields), 1)
    settled = 0
    for _ in itertools.repeat(None) if batches is None else range(batches):
        documents = source.find(flagged, limit=SETTLE_BATCH, projection=projection)
        if not documents:
            return settled
        _write_days(store, rollup, documents)
        cleared = _clear_flags(store, rollup, documents)
        settled += cleared
        if len(documents) < SETTLE_BATCH or not cleared:
            return settled  # the rest changed while being settled: theirs is the next call's
    return settled


def _write_days(store: Store, rollup: DayRollup, documents: list[dict]) -> None:
    """For each day touched: its entries (one write), then its summary (one more)."""
    days: dict[tuple[str, date], dict] = {}
    for document in documents:
        for day, entries in rollup.entries_of(document).items():
            days.setdefault((document["site_id"], day), {}).update(entries)
    for (site_id, day), entries in days.items():
        key, fields = day_id(site_id, day), {"site_id": site_id, "date": encode(day)}
        written = _write_entries(store.db[rollup.entries], key, {"$set": {**fields, **encode(entries)},
                                                                 "$inc": {"version": 1}})
        _write_summary(store, rollup, written)


def _write_summary(store: Store, rollup: DayRollup, written: dict) -> None:
    """The day's summary from its entries as ``written``, unless a settler that wrote them later
    has put a newer summary there already (its version is the entries' version it was made from)."""
    summary = {"site_id": written["site_id"], "date": written["date"], **encode(rollup.summarize(written)),
               "version": written["version"]}
    try:
        store.db[rollup.days].update_one({"_id": written["_id"], "version": {"$lt": written["version"]}},
                                         {"$set": summary}, upsert=True)
    except DuplicateKeyError:
        pass  # the newer summary is there: this one was made from older entries


def _write_entries(collection, key: str, write: dict) -> dict:
    """Apply ``write`` to the day's entries, made if missing; the day as written."""
    try:
        return collection.find_one_and_update({"_id": key}, write, upsert=True, return_document=ReturnDocument.AFTER)
    except DuplicateKeyError:
        # Two settlers made the same new day at once and this upsert met the other's insert; the
        # day exists now, so the same write goes through as an update.
        return collection.find_one_and_update({"_id": key}, write, return_document=ReturnDocument.AFTER)


def _clear_flags(store: Store, rollup: DayRollup, documents: list[dict]) -> int:
    """Take the flags off the documents as they were read, guarded by the version read, so that
    one written meanwhile keeps its flag. One write per version among them (a handful)."""
    by_version: dict[int | None, list[str]] = {}
    for document in documents:
        by_version.setdefault(document.get("version"), []).append(document["_id"])
    return sum(store.db[rollup.source].update_many({"_id": {"$in": ids}, "version": version},
                                                   {"$unset": {ROLLUP_PENDING: ""}}).modified_count
               for version, ids in by_version.items())


def flag_stored_before(store: Store, rollup: DayRollup) -> None:
    """Once per database: flag every document of the source, so that those stored before the
    rollup existed get their entries (those already in count once)."""
    marks = store.db[rollup.entries]
    if marks.find_one({"_id": BACKFILL_MARK}) is not None:
        return
    store.db[rollup.source].update_many({}, {"$set": {ROLLUP_PENDING: True}})
    marks.update_one({"_id": BACKFILL_MARK}, {"$set": {"flagged_at": clock.now()}}, upsert=True)


def sweep(store: Store) -> int:
    """The worker's sweep: each rollup's one-off backfill, then whatever is flagged at any site."""
    settled = 0
    for rollup in store.DAY_ROLLUPS:
        flag_stored_before(store, rollup)
        settled += settle(store, rollup)
    return settled
