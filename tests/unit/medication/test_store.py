"""How medication's domain dicts are stored and read back: ids, dates, and the stand-in's quirks."""
from datetime import date, datetime, timezone

from services.medication.api.schemas import Order, ReconciledMedication
from services.medication.domain.orders import adjust, new_order
from services.medication.domain.reconciliation import reconcile
from services.medication.store import (
    check_in_document,
    entry_from_document,
    order_document,
    order_from_document,
    stored_entry,
)

NOW = datetime(2026, 9, 1, 15, 30, tzinfo=timezone.utc)


def an_order():
    return new_order({"patient_id": "p-1", "medication": "Sertraline", "dose": "50 mg", "route": "oral",
                      "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": date(2026, 9, 1)},
                     NOW, "front-end", order_id="o-1")


def test_an_order_document_is_keyed_by_the_order_id_and_carries_its_site():
    document = order_document(an_order(), "mpls")
    assert (document["_id"], document["site_id"], "id" in document) == ("o-1", "mpls", False)


def test_an_order_document_holds_its_start_date_as_a_string():
    assert order_document(an_order(), "mpls")["start_date"] == "2026-09-01"


def test_an_order_read_back_is_the_order_that_was_stored():
    order = adjust(an_order(), "100 mg", "partial response", NOW, "front-end")
    assert order_from_document(order_document(order, "mpls")) == order


def test_an_order_updated_on_the_stand_in_reads_back_with_aware_instants():
    document = {**order_document(an_order(), "mpls"), "updated_at": "2026-09-02 08:00:00.123000"}
    assert order_from_document(document)["updated_at"] == datetime(2026, 9, 2, 8, 0, 0, 123000, tzinfo=timezone.utc)


def test_a_check_in_document_is_keyed_by_the_check_in_id_and_carries_its_site():
    document = check_in_document({"id": "c-1", "patient_id": "p-1", "adherence": "taken"}, "mpls")
    assert document == {"_id": "c-1", "site_id": "mpls", "patient_id": "p-1", "adherence": "taken"}


def test_a_reconciliation_entry_read_back_is_the_entry_that_was_stored():
    [entry] = reconcile([an_order()], date(2026, 9, 10))
    assert entry_from_document(stored_entry(entry)) == entry


def test_a_recent_change_flag_stored_as_1_reads_back_as_true():
    [entry] = reconcile([an_order()], date(2026, 9, 10))
    assert entry_from_document({**stored_entry(entry), "recently_changed": 1})["recently_changed"] is True


def test_answers_give_instants_with_their_offset_whatever_the_storage_returned():
    document = {**order_document(an_order(), "mpls"), "updated_at": "2026-09-02 08:00:00"}
    assert Order().dump(document)["updated_at"] == "2026-09-02T08:00:00+00:00"


def test_answers_give_a_recent_change_flag_stored_as_1_as_true():
    assert ReconciledMedication().dump({"recently_changed": 1})["recently_changed"] is True
