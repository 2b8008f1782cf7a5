"""Treatment's collections, what each stores as an instant, a date or a boolean, their indexes, and
the ids derived from natural keys that make every creation from an event idempotent.

Documents are stored as the domain makes them (``_id`` is the resource's id) plus the ``site_id``
of their tenant and the ``correlation_id`` that the events a sweep raises for them later carry.
"""
import uuid
from datetime import datetime

from pymongo import ASCENDING, IndexModel

from shared.store import Codec, Store

PLANS = "plans"
NOTES = "notes"
GROUP_SESSIONS = "group_sessions"
DISCHARGE_SUMMARIES = "discharge_summaries"
# What treatment has learned from intake's events; never read from intake's database.
ENROLLMENTS = "enrollments"

_OBJECTIVES = "problems.*.goals.*.objectives.*"


class TreatmentStore(Store):
    COLLECTIONS = {
        PLANS: Codec(
            instants=("created_at", "updated_at", "activated_at", "superseded_at", "signatures.*.signed_at",
                      "reviews.*.reviewed_at"),
            dates=("effective_date", "scheduled_review_date", "next_review_date", "review_due_raised",
                   "level_of_care_reviews.*", f"{_OBJECTIVES}.target_date", f"{_OBJECTIVES}.progress_on",
                   "reviews.*.reviewed_on", "reviews.*.next_review_date"),
        ),
        NOTES: Codec(
            instants=("session_starts_at", "due_at", "attendance_at", "created_at", "updated_at", "signed_at",
                      "overdue_raised_at", "addenda.*.signed_at"),
            booleans=("late_entry",),
        ),
        GROUP_SESSIONS: Codec(instants=("starts_at", "created_at", "updated_at")),
        DISCHARGE_SUMMARIES: Codec(instants=("created_at",), dates=("discharge_date", "objectives.*.target_date")),
        ENROLLMENTS: Codec(
            instants=("admitted_at", "diagnoses_at"),
            dates=("start_date", "planned_end_date", "discharge_date", "initial_plan_due_raised",
                   "level_of_care_changes.*.effective_date"),
        ),
    }

    # Collections whose documents carry an outbox for the relay (the first plan's review_due is
    # raised on the enrollment, before any plan is in force).
    OUTBOX_COLLECTIONS = (PLANS, NOTES, DISCHARGE_SUMMARIES, ENROLLMENTS)

    INDEXES = {
        PLANS: [
            # The natural key of a version: two requests cannot both make version n of one enrollment's plan.
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING), ("plan_version", ASCENDING)], unique=True,
                       name="one_plan_version_per_enrollment"),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        NOTES: [
            # The natural key that makes opening a note from attendance idempotent.
            IndexModel([("site_id", ASCENDING), ("session_id", ASCENDING), ("patient_id", ASCENDING)], unique=True,
                       name="one_note_per_session_and_patient"),
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING), ("session_starts_at", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("group_session_id", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        GROUP_SESSIONS: [
            IndexModel([("site_id", ASCENDING), ("group_id", ASCENDING), ("starts_at", ASCENDING)], unique=True,
                       name="one_session_per_group_meeting"),
        ],
        DISCHARGE_SUMMARIES: [
            # The natural key that makes drafting idempotent: one summary per enrollment.
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True,
                       name="one_summary_per_enrollment"),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        ENROLLMENTS: [
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True,
                       name="one_record_per_enrollment"),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
    }


# Fixed, so that ids stay the same across processes, restarts and releases.
_ID_NAMESPACE = uuid.UUID("3f1c2a7e-5b8d-4e0f-9c61-7a2d4b9e8f15")


def _derived_id(natural_key: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, natural_key))


def enrollment_record_id(site_id: str, enrollment_id: str) -> str:
    return _derived_id(f"enrollment:{site_id}:{enrollment_id}")


def plan_version_id(site_id: str, enrollment_id: str, version: int) -> str:
    """Version n of an enrollment's plan has one id, so a retried creation finds it there."""
    return _derived_id(f"plan:{site_id}:{enrollment_id}:{version}")


def note_id_for(site_id: str, session_id: str, patient_id: str) -> str:
    """One note per session and patient, however often its attendance is recorded or delivered."""
    return _derived_id(f"note:{site_id}:{session_id}:{patient_id}")


def group_session_id_for(site_id: str, group_id: str, starts_at: datetime) -> str:
    """One meeting of a group: the group and the instant it starts (in UTC, whatever the offset sent)."""
    return _derived_id(f"group_session:{site_id}:{group_id}:{starts_at.timestamp():.0f}")


def summary_id_for(site_id: str, enrollment_id: str) -> str:
    return _derived_id(f"discharge_summary:{site_id}:{enrollment_id}")
