"""Aftercare's collections, the types their documents hold, their indexes, and the deterministic
ids that make every creation resumable.

There are no multi-document transactions (ARCHITECTURE.md §2), so a plan, its tasks and its
referral are separate single-document writes. Each document's id is derived from its natural key:
a redelivered or resumed event computes the same ids, the unique ``_id`` turns what already
exists into a DuplicateKeyError, and only the missing documents are written.
"""
import uuid

from pymongo import ASCENDING, IndexModel

from shared.store import Codec, Store

PLANS = "plans"
TASKS = "tasks"
REFERRALS = "referrals"
# One document per enrollment holding what other services told us about it (a booking, an
# attended visit, a reconciliation), so that a fact arriving before the plan is not lost.
ENROLLMENT_FACTS = "enrollment_facts"

REFERRAL_STATUS_INSTANTS = tuple(f"{status}_at" for status in
                                 ("sent", "accepted", "scheduled", "completed", "declined", "cancelled"))


class AftercareStore(Store):
    COLLECTIONS = {
        PLANS: Codec(
            instants=("created_at", "follow_up.starts_at"),
            dates=("discharge_date", "follow_up.due_date", "follow_up.visits.*", "follow_up.met_on",
                   "follow_up.overdue.*"),
            booleans=("follow_up.late",),
        ),
        TASKS: Codec(
            instants=("created_at", "completed_at", "history.*.at", "appointment.starts_at"),
            dates=("due_date", "attended_on"),
            booleans=("appointment.late",),
        ),
        REFERRALS: Codec(instants=("created_at", *REFERRAL_STATUS_INSTANTS, "history.*.at")),
        ENROLLMENT_FACTS: Codec(
            # cancelled: {appointment_id: when it was cancelled}; visits: {appointment_id: the day attended}.
            instants=("booking.starts_at", "booking.occurred_at", "cancelled.*", "reconciliation.occurred_at"),
            dates=("admission.start_date", "visits.*"),
            booleans=("booking.late",),
        ),
    }
    # Enrollment facts cause no events: they only ever change a plan, which carries its own outbox.
    OUTBOX_COLLECTIONS = (PLANS, TASKS, REFERRALS)
    INDEXES = {
        PLANS: [
            # The natural key that makes plan creation idempotent: one plan per enrollment.
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)], unique=True,
                       name="one_plan_per_enrollment"),
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("discharge_date", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        TASKS: [
            IndexModel([("site_id", ASCENDING), ("plan_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("enrollment_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("due_date", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        REFERRALS: [
            IndexModel([("site_id", ASCENDING), ("plan_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
    }


# Fixed, so that ids stay the same across processes, restarts and releases.
_ID_NAMESPACE = uuid.UUID("5b0e6c1e-7d7a-4c55-9a63-2f0a4e1d9c41")


def _derived_id(natural_key: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, natural_key))


def plan_id_for(site_id: str, enrollment_id: str) -> str:
    return _derived_id(f"{site_id}:{enrollment_id}")


def plan_task_id(plan_id: str, kind: str) -> str:
    """A plan has at most one task of each kind (templates refuse repeats)."""
    return _derived_id(f"{plan_id}:{kind}")


def event_task_id(event_id: str, kind: str) -> str:
    """A task raised by an event: a redelivery of the event finds the task already there."""
    return _derived_id(f"{event_id}:{kind}")


def step_down_referral_id(plan_id: str) -> str:
    return _derived_id(f"{plan_id}:step_down_referral")


def follow_up_escalation_task_id(plan_id: str, window_days: int) -> str:
    return _derived_id(f"{plan_id}:follow_up_escalation:{window_days}")


def referral_task_id(referral_id: str, kind: str) -> str:
    """A referral is declined or overdue at most once (its state machine never goes back)."""
    return _derived_id(f"{referral_id}:{kind}")


def enrollment_facts_id(site_id: str, enrollment_id: str) -> str:
    return f"{site_id}:{enrollment_id}"
