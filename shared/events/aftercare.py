"""Payloads of the events the aftercare service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.codes import LEVELS_OF_CARE, OUTCOMES
from shared.events.registry import EventType


class PlanCreated(Schema):
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    outcome = code(required=True, one_of=OUTCOMES)
    task_count = fields.Integer(required=True)


plan_created = EventType("aftercare.plan.created", PlanCreated)


class _Task(Schema):
    task_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    plan_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    due_date = fields.Date(required=True)


class TaskCreated(_Task):
    pass


task_created = EventType("aftercare.task.created", TaskCreated)


class TaskCompleted(_Task):
    pass


task_completed = EventType("aftercare.task.completed", TaskCompleted)


class _Referral(Schema):
    referral_id = identifier(required=True)
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    level_of_care = code(required=True, one_of=LEVELS_OF_CARE)
    status = code(required=True)


class ReferralCreated(_Referral):
    pass


referral_created = EventType("aftercare.referral.created", ReferralCreated)


class ReferralUpdated(_Referral):
    previous_status = code(required=True)


referral_updated = EventType("aftercare.referral.updated", ReferralUpdated)


class FollowUpOverdue(Schema):
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    window_days = fields.Integer(required=True)
    due_date = fields.Date(required=True)


follow_up_overdue = EventType("aftercare.follow_up.overdue", FollowUpOverdue)
