"""Entries kept per site and calendar day, for the reports that count over a range of days (intake's
census, aftercare's follow-up report): a range then costs its number of days, not the size of the
site.

A store declares each rollup in ``DAY_ROLLUPS``: the collection that feeds it (enrollments, plans),
the collection of its days, and ``entries_of(document) -> {day: {"<kind>.<document id>": value}}``.
Every write of a source document through the store flags it (``rollup_pending``) in that same
write (``shared.store.Documents``), so nothing written is missed, whichever process wrote it and
whether or not it crashed just after.

Settling reads the flagged documents, writes their entries into their days (one write per day:
one document per site and day, an entry per source document), then takes the flags off those that
did not change meanwhile (guarded by the version read, as ``Documents.modify`` guards its writes).
An entry is keyed by its document and computed from the document as it is, so settling twice, two
settlers at once, or a crash between the two writes count nothing twice. The day an entry lands on
must never change for a document (a start date, a discharge date); its value may (a follow-up met).

Who settles: the report itself, for its site, before it counts (so it includes every write answered
before it), and every worker whose store has rollups, each minute (``shared.worker``), so that
flags do not pile up at a site nobody asks about. A worker's first sweep also flags every document
of each source once (a mark in the days collection remembers it), so that documents stored before
the rollup existed are counted too.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.store import ROLLUP_PENDING, Store, encode

# Documents settled per read; settling goes on until none is left.
SETTLE_BATCH = 500
SETTLE_INTERVAL_SECONDS = 60
BACKFILL_MARK = "backfill:flagged"


@dataclass(frozen=True)
class DayRollup:
    source: str  # the collection whose documents feed it
    days: str  # the collection of its days
    entries_of: Callable[[dict], dict[date, dict]]
    fields: tuple[str, ...]  # the fields of a source document that entries_of reads

    def indexes(self) -> dict[str, list[IndexModel]]:
        return {self.source: [IndexModel([(ROLLUP_PENDING, ASCENDING)])],
                self.days: [IndexModel([("site_id", ASCENDING), ("date", ASCENDING)])]}


def day_id(site_id: str, day: date) -> str:
    return f"{site_id}:{day.isoformat()}"


def days_between(store: Store, rollup: DayRollup, site_id: str, first: date, last: date) -> list[dict]:
    """The site's days from ``first`` to ``last`` (both included) that hold any entry, after
    settling what is flagged at the site."""
    settle(store, rollup, site_id)
    return getattr(store, rollup.days).find({"site_id": site_id, "date": {"$gte": first, "$lte": last}})


def settle(store: Store, rollup: DayRollup, site_id: str | None = None) -> int:
    """Write the entries of every flagged document (of one site, or of all) into their days and take
    the flags off; returns how many documents were settled."""
    source = getattr(store, rollup.source)
    flagged = {ROLLUP_PENDING: True, **({"site_id": site_id} if site_id else {})}
    projection = dict.fromkeys(("site_id", "version", *rollup.fields), 1)
    settled = 0
    while True:
        documents = source.find(flagged, limit=SETTLE_BATCH, projection=projection)
        if not documents:
            return settled
        _write_days(store, rollup, documents)
        cleared = _clear_flags(store, rollup, documents)
        settled += cleared
        if len(documents) < SETTLE_BATCH or not cleared:
            return settled  # the rest changed while being settled: theirs is the next call's


def _write_days(store: Store, rollup: DayRollup, documents: list[dict]) -> None:
    """One write per day touched (the entries of every document of the batch on that day)."""
    days: dict[tuple[str, date], dict] = {}
    for document in documents:
        for day, entries in rollup.entries_of(document).items():
            days.setdefault((document["site_id"], day), {}).update(entries)
    collection = store.db[rollup.days]
    for (site_id, day), entries in days.items():
        write = {"$set": {"site_id": site_id, "date": encode(day), **encode(entries)}}
        try:
            collection.update_one({"_id": day_id(site_id, day)}, write, upsert=True)
        except DuplicateKeyError:
            # Two settlers made the same new day at once and this upsert met the other's insert;
            # the day exists now, so the same write goes through as an update.
            collection.update_one({"_id": day_id(site_id, day)}, write)


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
    days = store.db[rollup.days]
    if days.find_one({"_id": BACKFILL_MARK}) is not None:
        return
    store.db[rollup.source].update_many({}, {"$set": {ROLLUP_PENDING: True}})
    days.update_one({"_id": BACKFILL_MARK}, {"$set": {"flagged_at": clock.now()}}, upsert=True)


def sweep(store: Store) -> int:
    """The worker's sweep: each rollup's one-off backfill, then whatever is flagged at any site."""
    settled = 0
    for rollup in store.DAY_ROLLUPS:
        flag_stored_before(store, rollup)
        settled += settle(store, rollup)
    return settled
