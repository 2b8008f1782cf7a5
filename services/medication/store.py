"""Medication's collections, their indexes, and how the domain's dicts are stored.

The domain (services/medication/domain) works on plain dicts with an ``id`` and real ``date``
values. Stored documents name the id ``_id``, carry the ``site_id`` of their tenant, and hold
dates as ``YYYY-MM-DD`` strings (BSON has no date type; pymongo refuses ``datetime.date``).
"""
from datetime import date

from pymongo import ASCENDING, DESCENDING, IndexModel

from shared.http.fields import stored, stored_instant
from shared.outbox import public_view

ORDERS = "orders"
CHECK_INS = "check_ins"
RECONCILIATIONS = "reconciliations"
# What medication has learned from intake's events; never read from intake's database.
PATIENTS = "patients"
ENROLLMENTS = "enrollments"

# Collections whose documents carry an outbox for the relay.
OUTBOX_COLLECTIONS = [ORDERS, CHECK_INS, RECONCILIATIONS]

INDEXES = {
    ORDERS: [
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    CHECK_INS: [
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("checked_in_at", DESCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    RECONCILIATIONS: [
        # The natural key that makes reconciliation idempotent: one per discharge of an enrollment.
        IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True,
                   name="one_reconciliation_per_enrollment"),
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    # PATIENTS is read by _id (with site_id), which the _id index serves; ENROLLMENTS is only recorded.
}


def order_document(order: dict, site_id: str) -> dict:
    stored_order = {key: value for key, value in order.items() if key != "id"}
    return {"_id": order["id"], "site_id": site_id, **stored_order, "start_date": stored(order["start_date"])}


def order_from_document(document: dict) -> dict:
    order = {key: value for key, value in public_view(document).items() if key != "site_id"}
    return {**order, "id": document["_id"], "start_date": date.fromisoformat(document["start_date"]),
            "updated_at": stored_instant(document["updated_at"]),
            "discontinued_at": stored_instant(document["discontinued_at"])}


def check_in_document(check_in: dict, site_id: str) -> dict:
    stored_check_in = {key: value for key, value in check_in.items() if key != "id"}
    return {"_id": check_in["id"], "site_id": site_id, **stored_check_in}


def stored_entry(entry: dict) -> dict:
    """A reconciliation entry as stored."""
    return {**entry, "start_date": stored(entry["start_date"])}


def entry_from_document(entry: dict) -> dict:
    """A stored reconciliation entry as the domain's ``render_text`` expects it."""
    # A boolean may come back from the database stand-in as 1/0.
    return {**entry, "start_date": date.fromisoformat(entry["start_date"]),
            "recently_changed": bool(entry["recently_changed"])}
