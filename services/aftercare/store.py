"""Aftercare's collections and their indexes."""
from pymongo import ASCENDING, IndexModel

PLANS = "plans"

OUTBOX_COLLECTIONS = [PLANS]

INDEXES = {
    PLANS: [
        # The natural key that makes plan creation idempotent: one plan per enrollment.
        IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True, name="one_plan_per_enrollment"),
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
}
