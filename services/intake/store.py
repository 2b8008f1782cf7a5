"""Intake's collections and their indexes. Intake owns patients, assessments, enrollments and referrals."""
from pymongo import ASCENDING, DESCENDING, IndexModel

PATIENTS = "patients"
ASSESSMENTS = "assessments"
ENROLLMENTS = "enrollments"
REFERRALS = "referrals"

# Collections whose documents carry an outbox for the relay.
OUTBOX_COLLECTIONS = [PATIENTS, ASSESSMENTS, ENROLLMENTS, REFERRALS]

INDEXES = {
    PATIENTS: [
        IndexModel([("site_id", ASCENDING), ("mrn", ASCENDING)], unique=True, name="one_mrn_per_site"),
        IndexModel([("site_id", ASCENDING), ("family_name_folded", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    ASSESSMENTS: [
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("administered_at", DESCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    ENROLLMENTS: [
        # "patient:program" while active, "ended:<id>" after, so a patient has at most one active
        # enrollment per program. site_id leads, as a unique index must when sharding on site_id.
        IndexModel([("site_id", ASCENDING), ("active_slot", ASCENDING)], unique=True,
                   name="one_active_enrollment_per_program_at_site"),
        IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("program", ASCENDING)]),
        # The census counts admissions by start date and discharges by discharge date.
        IndexModel([("site_id", ASCENDING), ("start_date", ASCENDING)]),
        IndexModel([("site_id", ASCENDING), ("discharge.date", ASCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
    REFERRALS: [
        IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("received_at", DESCENDING)]),
        IndexModel([("outbox_pending", ASCENDING)]),
    ],
}
