"""Medication's store on the in-memory database: what the codec gives back is what the domain made,
whatever form the database returned it in; and derived ids."""
from datetime import date, datetime, timedelta, timezone

from services.medication.domain.orders import adjust, new_order
from services.medication.domain.reconciliation import complete_reconciliation
from services.medication.store import ORDERS, RECONCILIATIONS, reconciliation_id_for
from shared.store import BOOKKEEPING

NOW = datetime(2026, 9, 1, 15, 30, tzinfo=timezone.utc)
DISCHARGE = {"enrollment_id": "e-1", "patient_id": "p-1", "outcome": "completed", "discharge_date": date(2026, 9, 10)}


def an_adjusted_order() -> dict:
    order, _ = new_order("o-1", {"patient_id": "p-1", "medication": "Sertraline", "dose": "50 mg", "route": "oral",
                                 "frequency": "once daily", "prescriber": "Dr. Okafor",
                                 "start_date": date(2026, 9, 1)}, NOW, "front-end")
    changes, _ = adjust(order, "100 mg", "partial response", NOW + timedelta(days=2), "front-end")
    return {**order, **changes, "site_id": "mpls"}


def without_bookkeeping(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in BOOKKEEPING}


def test_an_order_reads_back_as_the_domain_made_it(store):
    order = an_adjusted_order()
    store.orders.insert(order)

    assert without_bookkeeping(store.orders.find_one({"_id": "o-1"})) == order


def test_a_reconciliation_reads_back_with_its_dates_instants_and_flags(store):
    reconciliation, _ = complete_reconciliation("r-1", DISCHARGE, [an_adjusted_order()], NOW + timedelta(days=9))
    store.reconciliations.insert({**reconciliation, "site_id": "mpls"})

    read = store.reconciliations.find_one({"_id": "r-1"})

    assert without_bookkeeping(read) == {**reconciliation, "site_id": "mpls"}
    [entry] = read["medications"]
    assert (entry["start_date"], entry["recently_changed"], entry["last_change"]["at"]) == (
        date(2026, 9, 1), True, NOW + timedelta(days=2))


def test_a_reconciliation_stores_its_days_as_strings(store):
    reconciliation, _ = complete_reconciliation("r-1", DISCHARGE, [an_adjusted_order()], NOW)
    store.reconciliations.insert({**reconciliation, "site_id": "mpls"})

    raw = store.db[RECONCILIATIONS].find_one({"_id": "r-1"})

    assert (raw["discharge_date"], raw["medications"][0]["start_date"]) == ("2026-09-10", "2026-09-01")


def test_what_the_stand_in_returns_after_a_set_reads_back_as_instants_and_booleans(store):
    # The embedded stand-in gives a datetime written with $set back as a naive string, a boolean as 1.
    store.db[RECONCILIATIONS].insert_one({
        "_id": "r-old", "site_id": "mpls", "completed_at": "2026-09-10 08:00:00.123000",
        "medications": [{"start_date": "2026-09-01", "recently_changed": 1,
                         "last_change": {"at": "2026-09-03T15:30:00+00:00"}}]})

    read = store.reconciliations.find_one({"_id": "r-old"})

    [entry] = read["medications"]
    assert read["completed_at"] == datetime(2026, 9, 10, 8, 0, 0, 123000, tzinfo=timezone.utc)
    assert entry["recently_changed"] is True
    assert entry["last_change"]["at"] == datetime(2026, 9, 3, 15, 30, tzinfo=timezone.utc)


def test_an_order_stored_by_the_previous_release_reads_back_with_instants_in_its_history(store):
    # Until the codec, a change's instant was stored as an ISO string with the offset it was made in.
    store.db[ORDERS].insert_one({"_id": "o-old", "site_id": "mpls", "start_date": "2026-09-01",
                                 "history": [{"at": "2026-09-03T09:30:00-06:00", "action": "adjusted"}]})

    read = store.orders.find_one({"_id": "o-old"})

    assert (read["start_date"], read["history"][0]["at"]) == (
        date(2026, 9, 1), datetime(2026, 9, 3, 15, 30, tzinfo=timezone.utc))


def test_an_enrollments_reconciliation_id_is_the_same_on_every_delivery():
    assert reconciliation_id_for("mpls", "e-1") == reconciliation_id_for("mpls", "e-1")


def test_reconciliation_ids_differ_by_enrollment_and_by_site():
    ids = {reconciliation_id_for("mpls", "e-1"), reconciliation_id_for("mpls", "e-2"),
           reconciliation_id_for("stpaul", "e-1")}

    assert len(ids) == 3
