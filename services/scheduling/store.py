"""Scheduling's collections and their indexes.

- ``groups``: a therapy group's definition and its roster (seats and waiting list), so that a
  capacity check and the seat it grants are one single-document write.
- ``schedules``: one document per enrollment holding its sessions, attendance and outbox, so
  that generating, trimming, cancelling and taking attendance are each one atomic write.
- ``appointments``: one document per appointment (the aftercare follow-up among them).
"""
from pymongo import ASCENDING, IndexModel

GROUPS = "groups"
SCHEDULES = "schedules"
APPOINTMENTS = "appointments"

# Collections whose documents carry an outbox for the relay (groups emit no events).
OUTBOX_COLLECTIONS = [SCHEDULES, APPOINTMENTS]

INDEXES = {
    GROUPS: [
        IndexModel([("site_id", ASCENDING), ("program", ASCENDING), ("archived_at", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("members.enrollment_id", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("waiting_list.enrollment_id", ASCENDING)]),
    ],
    SCHEDULES: [
        # The natural key that makes schedule generation idempotent: one schedule per enrollment.
        IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True, name="one_schedule_per_enrollment"),
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("group_id", ASCENDING), ("group_placement", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    APPOINTMENTS: [
        # e.g. "aftercare_follow_up:<enrollment_id>": exactly one follow-up per completion.
        IndexModel([("site_id", ASCENDING), ("natural_key", ASCENDING)], unique=True, name="one_appointment_per_natural_key"),
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("kind", ASCENDING), ("status", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
}
