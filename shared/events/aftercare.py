"""Payloads of the events the aftercare service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.registry import event_schema


@event_schema("aftercare.plan.created")
class PlanCreated(Schema):
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    outcome = code(required=True)
    task_count = fields.Integer(required=True)


class _Task(Schema):
    task_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    plan_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    due_date = fields.Date(required=True)


@event_schema("aftercare.task.created")
class TaskCreated(_Task):
    pass


@event_schema("aftercare.task.completed")
class TaskCompleted(_Task):
    pass


class _Referral(Schema):
    referral_id = identifier(required=True)
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    level_of_care = code(required=True)
    status = code(required=True)


@event_schema("aftercare.referral.created")
class ReferralCreated(_Referral):
    pass


@event_schema("aftercare.referral.updated")
class ReferralUpdated(_Referral):
    previous_status = code(required=True)


@event_schema("aftercare.follow_up.overdue")
class FollowUpOverdue(Schema):
    plan_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    window_days = fields.Integer(required=True)
    due_date = fields.Date(required=True)
