"""Payloads of the events the medication service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.registry import event_schema


class _OrderChange(Schema):
    order_id = identifier(required=True)
    patient_id = identifier(required=True)
    rxnorm = code(load_default=None, allow_none=True)
    status = code(required=True)


@event_schema("medication.order.created")
class OrderCreated(_OrderChange):
    pass


@event_schema("medication.order.adjusted")
class OrderAdjusted(_OrderChange):
    pass


@event_schema("medication.order.discontinued")
class OrderDiscontinued(_OrderChange):
    pass


@event_schema("medication.side_effect.reported")
class SideEffectReported(Schema):
    check_in_id = identifier(required=True)
    patient_id = identifier(required=True)
    severity = code(required=True)  # the gravest severity reported in the check-in: mild, moderate or severe
    side_effect_count = fields.Integer(required=True)


@event_schema("medication.reconciliation.completed")
class ReconciliationCompleted(Schema):
    reconciliation_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    medication_count = fields.Integer(required=True)
