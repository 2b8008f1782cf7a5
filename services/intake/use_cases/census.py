"""The census: enrollments active now by program, admissions by program and discharges by
outcome over a date range, per site.

Admissions and discharges are read from the census's days (``census_days``: one document per site
and day, domain/census.py), so that the cost of a range follows its number of days, not the size
of the site. An admission or discharge flags its enrollment (``census_pending``) in the same write
that makes it; the flag stays until the enrollment's entries are in its days. Whoever asks next
settles what is flagged: the census itself before it counts (so it includes every write that was
answered before it), and the intake worker's sweep every minute (so that flags do not pile up at a
site nobody asks about). Settling writes each day's entries in one write, then takes the flags off
the enrollments that did not change meanwhile; entries are keyed by enrollment, so settling twice
(two processes at once, or a crash between the two writes) counts nothing twice.

The enrollments active now are counted by the database (a ``$group`` on the site's active ones),
which costs the number of patients in the programs now, not the site's history.
"""
import logging
from datetime import date

from pymongo.errors import DuplicateKeyError

from services.intake.domain import census as rules
from services.intake.domain.enrollments import ACTIVE
from services.intake.store import CENSUS_PENDING, IntakeStore, census_day_id
from shared import clock
from shared.sites import Site
from shared.store import encode

log = logging.getLogger(__name__)

# Enrollments settled per write; a sweep goes on until none is left.
SETTLE_BATCH = 500
SETTLE_INTERVAL_SECONDS = 60
# Marks that every enrollment stored before the census kept its days has been flagged once.
BACKFILL_MARK = "backfill:flagged"


def census(store: IntakeStore, sites: list[Site], start: date | None = None, end: date | None = None) -> dict:
    """The census of each site; the range defaults to the last 30 days up to each site's today
    (both ends included). ``Invalid`` ({"from": ...}) for a range that ends before it starts or
    spans more than a year."""
    return {"sites": [_site_census(store, site, start, end) for site in sites]}


def _site_census(store: IntakeStore, site: Site, start: date | None, end: date | None) -> dict:
    start, end = rules.census_range(site.today(), start, end)
    settle_census_days(store, site.id)
    active = store.enrollments.count_by({"site_id": site.id, "status": ACTIVE}, "program")
    days = store.census_days.find({"site_id": site.id, "date": {"$gte": start, "$lte": end}},
                                  projection={"admitted": 1, "discharged": 1})
    counts = rules.census(site.programs, active, rules.tally(days, "admitted"), rules.tally(days, "discharged"))
    return {"site_id": site.id, "from": start, "to": end, **counts}


def settle_census_days(store: IntakeStore, site_id: str | None = None) -> int:
    """Put the entries of every flagged enrollment (of one site, or of all) into the census's days
    and take the flags off; returns how many enrollments were settled."""
    flagged = {CENSUS_PENDING: True, **({"site_id": site_id} if site_id else {})}
    settled = 0
    while True:
        enrollments = store.enrollments.find(flagged, limit=SETTLE_BATCH, projection={
            "site_id": 1, "start_date": 1, "admitted_program": 1, "periods": 1, "program": 1, "discharge": 1,
            "outcome": 1, "version": 1})
        if not enrollments:
            return settled
        _write_days(store, enrollments)
        cleared = _clear_flags(store, enrollments)
        settled += cleared
        if len(enrollments) < SETTLE_BATCH or not cleared:
            return settled  # the rest changed while being settled: theirs is the next call's


def _write_days(store: IntakeStore, enrollments: list[dict]) -> None:
    """One write per day touched (the entries of every enrollment of the batch on that day)."""
    days: dict[tuple[str, date], dict] = {}
    for enrollment in enrollments:
        for day, entries in rules.day_entries(enrollment).items():
            days.setdefault((enrollment["site_id"], day), {}).update(entries)
    for (site_id, day), entries in days.items():
        write = {"$set": {"site_id": site_id, "date": encode(day), **entries}}
        try:
            store.census_days.raw.update_one({"_id": census_day_id(site_id, day)}, write, upsert=True)
        except DuplicateKeyError:
            # Two processes made the same new day at once and this upsert met the other's insert;
            # the day exists now, so the same write goes through as an update.
            store.census_days.raw.update_one({"_id": census_day_id(site_id, day)}, write)


def _clear_flags(store: IntakeStore, enrollments: list[dict]) -> int:
    """Take the flags off the enrollments as they were read: guarded by the version read (as
    Documents.modify guards its writes), so that one discharged meanwhile keeps its flag. One write
    per version among them (a handful)."""
    by_version: dict[int | None, list[str]] = {}
    for enrollment in enrollments:
        by_version.setdefault(enrollment.get("version"), []).append(enrollment["_id"])
    return sum(store.enrollments.raw.update_many({"_id": {"$in": ids}, "version": version},
                                                 {"$unset": {CENSUS_PENDING: ""}}).modified_count
               for version, ids in by_version.items())


def flag_enrollments_stored_before(store: IntakeStore) -> None:
    """Once per database: flag every enrollment, so that those stored before the census kept its
    days get their entries (settling is idempotent: those already in count once)."""
    if store.census_days.find_one({"_id": BACKFILL_MARK}) is not None:
        return
    store.enrollments.raw.update_many({}, {"$set": {CENSUS_PENDING: True}})
    store.census_days.raw.update_one({"_id": BACKFILL_MARK}, {"$set": {"flagged_at": clock.now()}}, upsert=True)


def census_sweep(store: IntakeStore) -> None:
    """The worker's sweep: the one-off backfill, then whatever is flagged at any site."""
    flag_enrollments_stored_before(store)
    settled = settle_census_days(store)
    if settled:
        log.info("census: %d enrollment(s) settled into their days", settled)
