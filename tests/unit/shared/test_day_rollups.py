"""Day rollups on the in-memory database: every write of a source document flags it, settling is
idempotent, and a summary made from older entries never replaces one made from newer."""
from datetime import date

from shared import day_rollups
from shared.day_rollups import DayRollup, day_id
from shared.store import ROLLUP_PENDING, Codec, Store
from tests.in_memory import in_memory_db


def entries_of(visit: dict) -> dict:
    return {visit["on"]: {f"kinds.{visit['_id']}": visit["kind"]}}


def summarize(day: dict) -> dict:
    kinds = list((day.get("kinds") or {}).values())
    return {"count": len(kinds), "kinds": sorted(set(kinds))}


class VisitStore(Store):
    COLLECTIONS = {"visits": Codec(dates=("on",)), "visit_entries": Codec(dates=("date",)),
                   "visit_days": Codec(dates=("date",))}
    VISITS = DayRollup(source="visits", entries_of=entries_of, fields=("on", "kind"), entries="visit_entries",
                       summarize=summarize, days="visit_days")
    DAY_ROLLUPS = (VISITS,)


DAY = date(2026, 11, 2)


def visit_store() -> VisitStore:
    return VisitStore(in_memory_db())


def flagged(store) -> int:
    return store.visits.raw.count_documents({ROLLUP_PENDING: True})


def test_every_kind_of_write_of_a_source_document_flags_it_and_of_another_does_not():
    store = visit_store()
    store.visits.insert({"_id": "v1", "site_id": "mpls", "on": DAY, "kind": "phone"})
    store.visits.insert_many_once([({"_id": "v2", "site_id": "mpls", "on": DAY, "kind": "phone"}, [])])
    store.visit_entries.insert({"_id": "other"})
    assert flagged(store) == 2 and ROLLUP_PENDING not in store.visit_entries.raw.find_one({"_id": "other"})
    day_rollups.settle(store, store.VISITS)
    store.visits.modify({"_id": "v1"}, lambda visit: ({"kind": "video"}, []))
    stored = store.visits.raw.find_one({"_id": "v2"})
    store.visits.replace_if_unchanged(stored, {"kind": "video"})
    assert flagged(store) == 2


def test_settling_twice_counts_once_and_a_changed_value_moves_within_its_day():
    store = visit_store()
    store.visits.insert({"_id": "v1", "site_id": "mpls", "on": DAY, "kind": "phone"})
    day_rollups.settle(store, store.VISITS)
    store.visits.raw.update_many({}, {"$set": {ROLLUP_PENDING: True}})
    day_rollups.settle(store, store.VISITS)
    store.visits.modify({"_id": "v1"}, lambda visit: ({"kind": "video"}, []))
    [day] = day_rollups.days_between(store, store.VISITS, "mpls", DAY, DAY)
    assert (day["count"], day["kinds"]) == (1, ["video"])


def test_a_summary_made_from_older_entries_does_not_replace_a_newer_one():
    store = visit_store()
    store.visits.insert({"_id": "v1", "site_id": "mpls", "on": DAY, "kind": "phone"})
    day_rollups.settle(store, store.VISITS)
    older = store.db["visit_entries"].find_one({"_id": day_id("mpls", DAY)})  # as one settler wrote them ...
    store.visits.insert({"_id": "v2", "site_id": "mpls", "on": DAY, "kind": "video"})
    day_rollups.settle(store, store.VISITS)  # ... another wrote newer ones and their summary ...
    day_rollups._write_summary(store, store.VISITS, older)  # ... then the first one's summary arrives
    [day] = day_rollups.days_between(store, store.VISITS, "mpls", DAY, DAY)
    assert day["count"] == 2


def test_a_report_settles_a_bounded_number_and_the_workers_sweep_the_rest(monkeypatch):
    monkeypatch.setattr(day_rollups, "SETTLE_BATCH", 2)
    store = visit_store()
    for number in range(5):
        store.visits.insert({"_id": f"v{number}", "site_id": "mpls", "on": DAY, "kind": "phone"})
    [day] = day_rollups.days_between(store, store.VISITS, "mpls", DAY, DAY)
    assert (day["count"], flagged(store)) == (2 * day_rollups.REPORT_BATCHES, 5 - 2 * day_rollups.REPORT_BATCHES)
    assert day_rollups.settle(store, store.VISITS) == 1  # what the sweep does after its one backfill
    [day] = day_rollups.days_between(store, store.VISITS, "mpls", DAY, DAY)
    assert (day["count"], flagged(store)) == (5, 0)
