"""Tasks the episode of care raises during the program, and what settles each.

- treatment.plan.review_due opens a ``treatment_plan`` task (kind initial_plan: the first plan is
  due) or a ``treatment_plan_review`` task (kind review), for the clinician, due on the due date.
  The first closes when a plan of the enrollment is activated (treatment.plan.activated); a
  review closes when a review pushes the next review past its due date (treatment.plan.reviewed
  with ``next_review_date`` after it), whichever arrives first.
- treatment.note.overdue opens a ``session_note`` task for the note's author role, closed when the
  note is signed (treatment.note.signed).
- scheduling.intensity.below_minimum opens an ``intensity_review`` task for case management, once
  per enrollment and week.

The settling facts are kept in the enrollment's facts document (``treatment``), so that a fact
arriving before its task settles the task as soon as it is opened.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.aftercare.domain.tasks import ACTIVE_STATUSES, new_task

TREATMENT_TASK_KINDS = {"initial_plan": "treatment_plan", "review": "treatment_plan_review"}
SETTLED_KINDS = ("treatment_plan", "treatment_plan_review", "session_note")
CLINICIAN = "clinician"


def review_due_task(review_due: dict, task_id: str, now: datetime, source: dict) -> dict:
    """The task treatment.plan.review_due opens (``review_due``: the event's payload)."""
    kind = TREATMENT_TASK_KINDS[review_due["kind"]]
    task = new_task(kind, review_due["due_date"], CLINICIAN, task_id, now,
                    source={**source, "treatment_plan_id": review_due.get("plan_id"), "trigger": review_due.get("trigger")})
    return task


def note_task(overdue: dict, task_id: str, now: datetime, zone: ZoneInfo, source: dict) -> dict:
    """The task treatment.note.overdue opens, for the note's author role, due the day it fell due."""
    due = overdue["due_at"].astimezone(zone).date()
    return new_task("session_note", due, overdue["author_role"], task_id, now,
                    source={**source, "note_id": overdue["note_id"], "session_id": overdue.get("session_id")})


def plan_activated(facts: dict, plan_id: str, occurred_at: datetime) -> dict | None:
    """The facts' change for treatment.plan.activated (None when recorded already)."""
    activated = (facts.get("treatment") or {}).get("activated") or {}
    if plan_id in activated:
        return None
    return {"treatment.activated": {**activated, plan_id: occurred_at}}


def plan_reviewed(facts: dict, reviewed: dict) -> dict | None:
    """The facts' change for treatment.plan.reviewed (None when recorded already)."""
    reviews = (facts.get("treatment") or {}).get("reviews") or {}
    if reviewed["review_id"] in reviews:
        return None
    review = {key: reviewed[key] for key in ("plan_id", "reviewed_on", "next_review_date")}
    return {"treatment.reviews": {**reviews, reviewed["review_id"]: review}}


def note_signed(facts: dict, note_id: str, occurred_at: datetime) -> dict | None:
    """The facts' change for treatment.note.signed (None when recorded already)."""
    signed = (facts.get("treatment") or {}).get("signed_notes") or {}
    if note_id in signed:
        return None
    return {"treatment.signed_notes": {**signed, note_id: occurred_at}}


def settlement(task: dict, facts: dict) -> dict | None:
    """What settles an active task of a settled kind, as the attachment it gets; None while nothing does."""
    if task["status"] not in ACTIVE_STATUSES or task["kind"] not in SETTLED_KINDS:
        return None
    treatment = facts.get("treatment") or {}
    if task["kind"] == "treatment_plan":
        activated = treatment.get("activated") or {}
        return {"treatment_plan_id": min(activated, key=lambda plan_id: (activated[plan_id], plan_id))} if activated else None
    if task["kind"] == "treatment_plan_review":
        return _review_settling(task["due_date"], treatment.get("reviews") or {})
    note_id = (task.get("source") or {}).get("note_id")
    return {"signed_note_id": note_id} if note_id in (treatment.get("signed_notes") or {}) else None


def _review_settling(due: date, reviews: dict) -> dict | None:
    # A review answers every due date before the next one it set; the earliest such review is the one.
    answering = [(review["reviewed_on"], review_id) for review_id, review in reviews.items()
                 if review["next_review_date"] > due]
    return {"review_id": min(answering)[1]} if answering else None
