"""Medication's collections, what each stores as an instant, a date or a boolean, and their indexes.

Documents are stored as the domain makes them (``_id`` is the resource's id) plus the ``site_id``
of their tenant; the codec of shared.store writes dates as ``YYYY-MM-DD`` and instants as aware
UTC, and gives every path declared here back as a ``date``, an aware ``datetime`` or a ``bool``.
"""
import uuid

from pymongo import ASCENDING, DESCENDING, IndexModel

from shared.store import Codec, Store

ORDERS = "orders"
CHECK_INS = "check_ins"
RECONCILIATIONS = "reconciliations"
# What medication has learned from intake's events; never read from intake's database.
PATIENTS = "patients"
ENROLLMENTS = "enrollments"

# Ids derived from a natural key, so that a redelivery derives the same id.
RECONCILIATION_ID_NAMESPACE = uuid.UUID("0b6a1c19-8869-48c2-b950-e979f2ef71bf")


def reconciliation_id_for(site_id: str, enrollment_id: str) -> str:
    """The id of an enrollment's one reconciliation."""
    return str(uuid.uuid5(RECONCILIATION_ID_NAMESPACE, f"{site_id}:{enrollment_id}"))


class MedicationStore(Store):
    COLLECTIONS = {
        ORDERS: Codec(instants=("created_at", "updated_at", "discontinued_at", "history.*.at"),
                      dates=("start_date",)),
        CHECK_INS: Codec(instants=("checked_in_at",)),
        RECONCILIATIONS: Codec(instants=("completed_at", "medications.*.last_change.at"),
                               dates=("discharge_date", "medications.*.start_date"),
                               booleans=("medications.*.recently_changed",)),
        PATIENTS: Codec(instants=("known_since",)),
        ENROLLMENTS: Codec(instants=("admitted_at",), dates=("start_date", "planned_end_date")),
    }

    # Collections whose documents carry an outbox for the relay.
    OUTBOX_COLLECTIONS = (ORDERS, CHECK_INS, RECONCILIATIONS)

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
