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
    plan_id = identifier(load_default=None, allow_none=True)  # None: the first plan is missing
    due_date = fields.Date(required=True)
    kind = code(required=True, one_of=("initial_plan", "review"))


plan_review_due = EventType("treatment.plan.review_due", PlanReviewDue)


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
