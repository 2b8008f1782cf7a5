"""Intake's collections, their codecs and indexes. Intake owns patients, assessments, enrollments and referrals,
Part 2 consents and safety plans.

Each codec names every stored path that holds an instant, a date or a boolean, so that the use
cases read them back as such whatever the database returned (shared/store.py says why).
"""
import uuid

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.intake.domain.census import day_counts, day_entries
from shared.day_rollups import DayRollup
from shared.store import Codec, Documents, Store

PATIENTS = "patients"
ASSESSMENTS = "assessments"
ENROLLMENTS = "enrollments"
REFERRALS = "referrals"
CONSENTS = "consents"  # Part 2 consents (domain/consents.py)
SAFETY_PLANS = "safety_plans"  # Stanley-Brown safety plans, one document per version
# The census's admissions and discharges per site and day: each enrollment's entries, and each day's
# counts, which the census reads (domain/census.py, shared/day_rollups.py).
CENSUS_DAY_ENTRIES = "census_day_entries"
CENSUS_DAYS = "census_days"

# Enrollments made by admitting a referral get ids derived from the referral's, so that an
# admission retried after a crash finds the enrollment it made the first time.
REFERRAL_ENROLLMENT_NAMESPACE = uuid.UUID("0b5f3f0e-8f61-4a57-9f0e-6f1c2a7d4e21")


def referral_enrollment_id(referral_id: str) -> str:
    return str(uuid.uuid5(REFERRAL_ENROLLMENT_NAMESPACE, referral_id))


def active_slot(patient_id: str, program: str) -> str:
    """The key, unique per site, that lets a patient hold one active enrollment per program."""
    return f"{patient_id}:{program}"


def released_slot(enrollment_id: str) -> str:
    """The slot of an ended enrollment: a value of its own rather than null or no field, because a
    unique index indexes a missing field as null, and two ended enrollments would then clash."""
    return f"ended:{enrollment_id}"


class IntakeStore(Store):
    patients: Documents
    assessments: Documents
    enrollments: Documents
    referrals: Documents
    consents: Documents
    safety_plans: Documents
    census_days: Documents

    COLLECTIONS = {
        PATIENTS: Codec(instants=("created_at", "updated_at"), dates=("birth_date",)),
        ASSESSMENTS: Codec(instants=("administered_at", "recorded_at")),
        ENROLLMENTS: Codec(
            instants=("created_at", "status_history.*.at", "length_changes.*.at", "diagnosis_history.*.at"),
            dates=("start_date", "planned_end_date", "discharge.date", "periods.*.start_date", "periods.*.end_date",
                   "measurement_overdue.*.due_date"),
        ),
        REFERRALS: Codec(
            instants=("received_at", "updated_at", "status_history.*.at"),
            dates=("patient.birth_date",),
            booleans=("contact_consent",),
        ),
        CONSENTS: Codec(instants=("recorded_at", "revocation.recorded_at"),
                        dates=("expires_on", "signature.signed_on", "revocation.revoked_on")),
        SAFETY_PLANS: Codec(instants=("created_at",), dates=("environment_safety.counselled_on",)),
        # admitted: {enrollment_id: program}; discharged: {enrollment_id: outcome}; the backfill's mark holds flagged_at.
        CENSUS_DAY_ENTRIES: Codec(instants=("flagged_at",), dates=("date",)),
        # admitted: {program: count}; discharged: {outcome: count}.
        CENSUS_DAYS: Codec(dates=("date",)),
    }

    # Admissions and discharges per site and day, fed by every write of an enrollment (shared/day_rollups.py).
    CENSUS = DayRollup(source=ENROLLMENTS, entries_of=day_entries,
                       fields=("start_date", "admitted_program", "periods", "program", "discharge", "outcome"),
                       entries=CENSUS_DAY_ENTRIES, summarize=day_counts, days=CENSUS_DAYS)
    DAY_ROLLUPS = (CENSUS,)

    # Collections whose documents carry an outbox for the relay.
    OUTBOX_COLLECTIONS = (PATIENTS, ASSESSMENTS, ENROLLMENTS, REFERRALS, CONSENTS, SAFETY_PLANS)

    INDEXES = {
        CONSENTS: [
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        SAFETY_PLANS: [
            # Versions are numbered per patient: two plans written at once cannot both become n + 1.
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("version_number", DESCENDING)], unique=True,
                       name="one_version_number_per_patient_at_site"),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
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
            # active_slot is "patient:program" while active, "ended:<id>" after, so a patient has at
            # most one active enrollment per program. site_id leads, as a unique index must when
            # sharding on site_id.
            IndexModel([("site_id", ASCENDING), ("active_slot", ASCENDING)], unique=True,
                       name="one_active_enrollment_per_program_at_site"),
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("program", ASCENDING)]),
            # Ranges of admissions by start date and of discharges by discharge date; the census
            # reads its days now (CENSUS), these stay for operators' queries and earlier releases.
            IndexModel([("site_id", ASCENDING), ("start_date", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("discharge.date", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],

        REFERRALS: [
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("received_at", DESCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
    }
