"""Answer and request schemas of the aftercare API; the OpenAPI spec is built from these."""
from marshmallow import Schema, fields

from shared.http.fields import StoredDate


class HistoryEntry(Schema):
    at = fields.Raw()
    by = fields.String()
    from_status = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    note = fields.String(allow_none=True)


class Task(Schema):
    id = fields.String()
    kind = fields.String(metadata={"example": "follow_up_appointment"})
    owner_role = fields.String()
    due_date = StoredDate()
    status = fields.String(metadata={"description": "open, assigned, completed or cancelled"})
    assignee = fields.String(allow_none=True)
    content = fields.Dict()
    history = fields.List(fields.Nested(HistoryEntry))


class Referral(Schema):
    id = fields.String()
    level_of_care = fields.String()
    provider = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "created, sent, accepted, scheduled, completed, declined or cancelled"})
    history = fields.List(fields.Nested(HistoryEntry))


class Plan(Schema):
    id = fields.String(attribute="_id")
    enrollment_id = fields.String()
    patient_id = fields.String()
    program = fields.String()
    outcome = fields.String()
    discharge_date = StoredDate()
    template = fields.String()
    status = fields.String()
    tasks = fields.List(fields.Nested(Task))
    referrals = fields.List(fields.Nested(Referral))
    created_at = fields.AwareDateTime()


class PlanQuery(Schema):
    enrollment_id = fields.String()
    patient_id = fields.String()
