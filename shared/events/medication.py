"""Payloads of the events the medication service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.registry import EventType


class _OrderChange(Schema):
    order_id = identifier(required=True)
    patient_id = identifier(required=True)
    rxnorm = code(load_default=None, allow_none=True)
    status = code(required=True)


class OrderCreated(_OrderChange):
    pass


order_created = EventType("medication.order.created", OrderCreated)


class OrderAdjusted(_OrderChange):
    pass


order_adjusted = EventType("medication.order.adjusted", OrderAdjusted)


class OrderDiscontinued(_OrderChange):
    pass


order_discontinued = EventType("medication.order.discontinued", OrderDiscontinued)


class SideEffectReported(Schema):
    check_in_id = identifier(required=True)
    patient_id = identifier(required=True)
    severity = code(required=True)  # the gravest severity reported in the check-in: mild, moderate or severe
    side_effect_count = fields.Integer(required=True)


side_effect_reported = EventType("medication.side_effect.reported", SideEffectReported)


class ReconciliationCompleted(Schema):
    reconciliation_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    medication_count = fields.Integer(required=True)


reconciliation_completed = EventType("medication.reconciliation.completed", ReconciliationCompleted)
