"""Payloads of the events the treatment service publishes (issue 11). The free text of plans and
notes (problems, goals, narratives) never leaves the treatment service: ids, codes, dates only."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.registry import EventType


class PlanActivated(Schema):
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    version = fields.Integer(required=True)
    next_review_date = fields.Date(required=True)


plan_activated = EventType("treatment.plan.activated", PlanActivated)


class PlanReviewDue(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    # The plan due for review; for the first plan, its unsigned draft, or None when not even a draft exists.
    plan_id = identifier(load_default=None, allow_none=True)
    due_date = fields.Date(required=True)
    kind = code(required=True, one_of=("initial_plan", "review"))
    # Why a review is due: its regular interval, or a change of level of care (None for initial_plan).
    trigger = code(load_default=None, allow_none=True, one_of=("scheduled", "level_of_care_change"))


plan_review_due = EventType("treatment.plan.review_due", PlanReviewDue)


class PlanReviewed(Schema):
    """A review of the plan in force was recorded (what closes a review that was due)."""

    plan_id = identifier(required=True)
    review_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    reviewed_on = fields.Date(required=True)
    next_review_date = fields.Date(required=True)


plan_reviewed = EventType("treatment.plan.reviewed", PlanReviewed)


class NoteSigned(Schema):
    note_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    session_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    late_entry = fields.Boolean(required=True)


note_signed = EventType("treatment.note.signed", NoteSigned)


class NoteOverdue(Schema):
    note_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    session_id = identifier(load_default=None, allow_none=True)
    author_role = code(required=True)
    due_at = fields.AwareDateTime(required=True)


note_overdue = EventType("treatment.note.overdue", NoteOverdue)


class DischargeSummaryDrafted(Schema):
    summary_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    plan_id = identifier(load_default=None, allow_none=True)
    objectives_met = fields.Integer(required=True)
    objectives_not_met = fields.Integer(required=True)
    # Objectives not met, by id: aftercare carries them over as goals (their text is read over HTTP).
    unmet_objective_ids = fields.List(identifier(), required=True)


discharge_summary_drafted = EventType("treatment.discharge_summary.drafted", DischargeSummaryDrafted)
