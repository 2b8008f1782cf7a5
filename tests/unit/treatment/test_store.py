"""Treatment's store: what the codec gives back is what the domain made, whatever form the database
returned it in; and the derived ids that make creation from events idempotent."""
from datetime import date, datetime, timedelta, timezone

from services.treatment.store import (
    NOTES,
    PLANS,
    TreatmentStore,
    group_session_id_for,
    note_id_for,
    plan_version_id,
    summary_id_for,
)
from services.treatment.use_cases import enrollments, notes, plans, summaries
from shared.store import BOOKKEEPING, encode
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.treatment.support import (
    TODAY,
    active_plan,
    admitted,
    attendance,
    deliver,
    discharge,
    level_of_care_change,
    objective_ids,
    request,
)


def without_bookkeeping(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in BOOKKEEPING}


def test_an_active_plan_reads_back_with_its_dates_and_instants(store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    read = store.plans.find_one({"_id": plan["_id"]})
    assert typed(without_bookkeeping(read)) == typed(without_bookkeeping(plan))
    assert isinstance(read["problems"][0]["goals"][0]["objectives"][0]["target_date"], date)


def test_no_day_is_left_as_a_string_in_any_document_of_a_whole_episode(store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    deliver(store, site, level_of_care_change(TODAY + timedelta(days=2)), enrollments.record_level_of_care_change)
    progress = [{"objective_id": objective_id, "status": "met"} for objective_id in objective_ids(plan)]
    plans.review_plan(store, request(), site, plan["_id"], {"progress": progress})
    deliver(store, site, attendance(), notes.record_attendance)
    note_id = store.notes.find_one({})["_id"]
    notes.edit_note(store, request(), note_id, {"format": "DAP", "objective_ids": [],
                                                "sections": {"data": "d", "assessment": "a", "plan": "p"}})
    notes.sign_note(store, request(), note_id, "staff-1")
    notes.add_addendum(store, request(), note_id, "addendum", "staff-1")
    deliver(store, site, discharge(), summaries.draft_at_discharge)
    for collection in TreatmentStore.COLLECTIONS:
        for document in getattr(store, collection).find({}):
            assert strings_like_days(without_bookkeeping(document)) == [], collection


def test_what_the_stand_in_returns_after_a_set_reads_back_typed(store, site):
    admitted(store, site)
    plan = without_bookkeeping(active_plan(store, site))
    deliver(store, site, attendance(), notes.record_attendance)
    note = without_bookkeeping(store.notes.find_one({}))
    note["late_entry"] = True
    store.db[PLANS].insert_one(as_the_stand_in_returns(encode({**plan, "_id": "old-plan", "plan_version": 9})))
    store.db[NOTES].insert_one(as_the_stand_in_returns(encode({**note, "_id": "old-note", "session_id": "old"})))
    assert typed(without_bookkeeping(store.plans.find_one({"_id": "old-plan"}))) == typed({**plan, "_id": "old-plan", "plan_version": 9})
    read = store.notes.find_one({"_id": "old-note"})
    assert typed(without_bookkeeping(read)) == typed({**note, "_id": "old-note", "session_id": "old"})


def test_every_typed_path_of_a_plan_is_declared():
    paths = set(TreatmentStore.COLLECTIONS[PLANS].dates)
    assert "problems.*.goals.*.objectives.*.target_date" in paths


def test_derived_ids_are_stable_and_differ_by_their_key():
    starts = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
    assert plan_version_id("mpls", "e-1", 1) == plan_version_id("mpls", "e-1", 1) != plan_version_id("mpls", "e-1", 2)
    assert note_id_for("mpls", "s-1", "p-1") != note_id_for("stpaul", "s-1", "p-1")
    assert summary_id_for("mpls", "e-1") != summary_id_for("mpls", "e-2")
    # The same meeting whatever offset its start is written with.
    assert group_session_id_for("mpls", "g-1", starts) == group_session_id_for("mpls", "g-1", starts.astimezone())
