"""Aftercare's collections, the types their documents hold, their indexes, and the deterministic
ids that make every creation resumable.

There are no multi-document transactions (ARCHITECTURE.md §2), so a plan, its tasks and its
referral are separate single-document writes. Each document's id is derived from its natural key:
a redelivered or resumed event computes the same ids, the unique ``_id`` turns what already
exists into a DuplicateKeyError, and only the missing documents are written.
"""
import uuid

from pymongo import ASCENDING, IndexModel

from services.aftercare.domain import tasks as task_rules
from services.aftercare.domain.follow_up import report_day_counts, report_entries
from shared.day_rollups import DayRollup
from shared.store import Codec, Store

PLANS = "plans"
TASKS = "tasks"
REFERRALS = "referrals"
# One document per enrollment holding what other services told us about it (a booking, an
# attended visit, a reconciliation, treatment's plans, reviews, signed notes and discharge
# summary), so that a fact arriving before the plan or the task it settles is not lost.
ENROLLMENT_FACTS = "enrollment_facts"
# The site's provider directory (the organisations it refers to).
PROVIDERS = "providers"
# What intake told us of each Part 2 consent (granted, revoked), one document per consent.
CONSENTS = "consents"
# The accounting of disclosures: what left the program, to whom, when, under which consent, by whom.
DISCLOSURES = "disclosures"
# One document per patient: the suicide-risk screens and safety plan versions intake told us of.
PATIENT_SAFETY = "patient_safety"
# The follow-up report's plans per site and discharge day: each plan's entry, and each day's counts,
# which the report reads (domain/follow_up.py, shared/day_rollups.py).
FOLLOW_UP_REPORT_ENTRIES = "follow_up_report_entries"
FOLLOW_UP_REPORT_DAYS = "follow_up_report_days"
# The task report's tasks per site and due day: each task's entry, and each day's active tasks per kind.
TASK_REPORT_ENTRIES = "task_report_entries"
TASK_REPORT_DAYS = "task_report_days"

REFERRAL_STATUS_INSTANTS = tuple(f"{status}_at" for status in
                                 ("sent", "accepted", "scheduled", "completed", "declined", "cancelled"))


class AftercareStore(Store):
    COLLECTIONS = {
        PLANS: Codec(
            instants=("created_at", "follow_up.starts_at"),
            dates=("discharge_date", "follow_up.due_date", "follow_up.visits.*", "follow_up.visit_log.*.on",
                   "follow_up.met_on", "follow_up.overdue.*"),
            booleans=("follow_up.late",),
        ),
        TASKS: Codec(
            instants=("created_at", "completed_at", "history.*.at", "appointment.starts_at"),
            dates=("due_date", "attended_on", "source.week_start", "source.screened_on", "source.measurement_due_date",
                   "risk_assessment.screened_on", "safety_plan.recorded_on"),
            booleans=("appointment.late",),
        ),
        REFERRALS: Codec(instants=("created_at", *REFERRAL_STATUS_INSTANTS, "history.*.at"),
                         booleans=("sent_disclosure.recorded", "sent_disclosure.part2")),
        ENROLLMENT_FACTS: Codec(
            # cancelled: {appointment_id: when it was cancelled}; visits: {appointment_id: the day attended};
            # referral_visits: {referral_id: the day it was completed}; recorded_visits: {visit_id: visit};
            # treatment.activated: {plan_id: when}; treatment.signed_notes: {note_id: when};
            # treatment.reviews: {review_id: {plan_id, reviewed_on, next_review_date}}.
            instants=("booking.starts_at", "booking.occurred_at", "cancelled.*", "reconciliation.occurred_at",
                      "recorded_visits.*.recorded_at", "treatment.activated.*", "treatment.signed_notes.*",
                      "discharge_summary.occurred_at"),
            dates=("admission.start_date", "visits.*", "referral_visits.*", "recorded_visits.*.visited_on",
                   "treatment.reviews.*.reviewed_on", "treatment.reviews.*.next_review_date"),
            booleans=("booking.late",),
        ),
        PROVIDERS: Codec(instants=("created_at", "updated_at"), booleans=("accepts_electronic_referrals",)),
        CONSENTS: Codec(instants=("granted_at", "revoked_at"), dates=("expires_on", "revoked_on", "granted_on")),
        DISCLOSURES: Codec(instants=("disclosed_at",), booleans=("part2", "notice_included")),
        # screens: {assessment_id: screen}; safety_plans: {safety_plan_id: version}.
        PATIENT_SAFETY: Codec(instants=("screens.*.screened_at", "safety_plans.*.recorded_at"),
                              dates=("screens.*.screened_on", "safety_plans.*.recorded_on")),
        # plans: {plan_id: {exclusion, completed, days}}; the backfill's mark holds flagged_at.
        FOLLOW_UP_REPORT_ENTRIES: Codec(instants=("flagged_at",), dates=("date",), booleans=("plans.*.completed",)),
        # discharges, completions, excluded: {reason: count}, days: {"<days to a first visit>": count}.
        FOLLOW_UP_REPORT_DAYS: Codec(dates=("date",)),
        # active: {task_id: kind while active, else null}; the backfill's mark holds flagged_at.
        TASK_REPORT_ENTRIES: Codec(instants=("flagged_at",), dates=("date",)),
        # active: how many, by_kind: {kind: count}.
        TASK_REPORT_DAYS: Codec(dates=("date",)),
    }
    # Every write of a plan feeds the follow-up report's days (shared/day_rollups.py).
    FOLLOW_UP_REPORT = DayRollup(source=PLANS, entries_of=report_entries,
                                 fields=("discharge_date", "outcome", "step_down_level_of_care", "follow_up"),
                                 entries=FOLLOW_UP_REPORT_ENTRIES, summarize=report_day_counts,
                                 days=FOLLOW_UP_REPORT_DAYS)
    # Every write of a task feeds the task report's due days.
    TASK_REPORT = DayRollup(source=TASKS, entries_of=task_rules.report_entries, fields=("due_date", "kind", "status"),
                            entries=TASK_REPORT_ENTRIES, summarize=task_rules.report_day_counts, days=TASK_REPORT_DAYS)
    DAY_ROLLUPS = (FOLLOW_UP_REPORT, TASK_REPORT)
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
            # The task list filtered by status and kind, soonest due first.
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING), ("kind", ASCENDING), ("due_date", ASCENDING)],
                       name="task_report"),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        REFERRALS: [
            IndexModel([("site_id", ASCENDING), ("plan_id", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("outbox_pending", ASCENDING)]),
        ],
        PROVIDERS: [
            # A typed name matches the entry of its folded name: one entry per folded name and site,
            # so two clinicians typing the same new name at once make one entry, not two.
            IndexModel([("site_id", ASCENDING), ("name_folded", ASCENDING)], unique=True,
                       name="one_provider_per_folded_name"),
            IndexModel([("site_id", ASCENDING), ("npi", ASCENDING)]),
            # No index on levels_of_care: with one, the stand-in answers an equality query on an array's
            # element with nothing (find) while count_documents finds it; the searches use $in, which
            # both accept, over the site's entries.
        ],
        CONSENTS: [IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)])],
        # The task report reads the due days that still hold an active task.
        TASK_REPORT_DAYS: [IndexModel([("site_id", ASCENDING), ("active", ASCENDING)])],
        # A patient's enrollments (their episodes of treatment), for consents that end with the treatment.
        ENROLLMENT_FACTS: [IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING)])],
        DISCLOSURES: [
            IndexModel([("site_id", ASCENDING), ("patient_id", ASCENDING), ("disclosed_at", ASCENDING)]),
            IndexModel([("site_id", ASCENDING), ("referral_id", ASCENDING)]),
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


def consent_record_id(site_id: str, consent_id: str) -> str:
    """One record per consent, whichever of its events arrives first."""
    return f"{site_id}:{consent_id}"


def treatment_task_id(site_id: str, enrollment_id: str, kind: str, due_date) -> str:
    """treatment.plan.review_due is raised once per due date: one task per (enrollment, kind, due date)."""
    return _derived_id(f"{site_id}:{enrollment_id}:{kind}:{due_date.isoformat()}")


def note_task_id(site_id: str, note_id: str) -> str:
    """One task per overdue note, however often treatment.note.overdue is delivered."""
    return _derived_id(f"{site_id}:session_note:{note_id}")


def intensity_task_id(site_id: str, enrollment_id: str, week_start) -> str:
    """One case-management task per enrollment-week that fell short of the program's minimum."""
    return _derived_id(f"{site_id}:{enrollment_id}:intensity_review:{week_start.isoformat()}")


def patient_safety_id(site_id: str, patient_id: str) -> str:
    """One suicide-risk record per patient, whichever of its events arrives first."""
    return f"{site_id}:{patient_id}"


def measurement_task_id(site_id: str, patient_id: str, instrument: str, due_date) -> str:
    """One re_measurement task per patient, instrument and missed due date."""
    return _derived_id(f"{site_id}:{patient_id}:re_measurement:{instrument}:{due_date.isoformat()}")


def referral_disclosure_id(referral_id: str) -> str:
    """Sending a referral is disclosed once (its state machine never sends it again)."""
    return _derived_id(f"{referral_id}:sent")
