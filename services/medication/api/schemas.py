"""Request and answer schemas of the medication API; the OpenAPI spec is built from these.

Request schemas check every field on its own (types, required fields, allowed values, lengths, one
line, RxNorm digits) and answer 422 field by field, and the spec says the same (patterns included);
the domain keeps the rules that need the stored order or patient (a dose that actually changes, a
discontinued order, a patient of the site). Request dates are bounded (``ClinicalDate``); answer
schemas use plain date and instant fields, since what is answered was stored, not sent.
"""
import re

from marshmallow import Schema, ValidationError, fields, validate

from services.medication.domain.check_ins import ADHERENCE, SIDE_EFFECT_SEVERITIES
from services.medication.domain.orders import ROUTES, STATUSES
from shared.http.fields import SOMETIMES_ABSENT, Answer, ClinicalDate, Text, Uuid, UuidId

# Generous, but bounded: these fields end up on a printed list and in every copy of the document.
MAX_TEXT_LENGTH = 500
MAX_NAME_LENGTH = 200

_RXNORM_CODE = re.compile(r"[0-9]{1,10}")

def _rxnorm_code(value: str) -> None:
    if not _RXNORM_CODE.fullmatch(value):
        raise ValidationError("Must be an RxNorm concept code of digits only.")


# --- orders ---------------------------------------------------------------------------------

class OrderCreate(Schema):
    patient_id = UuidId(required=True, metadata={
        "description": "A patient of the caller's site, as registered with intake. A patient registered "
                       "a moment ago may not be known to medication yet (422 on patient_id): retry shortly."})
    medication = Text(required=True, metadata={"example": "Sertraline"})
    dose = Text(required=True, metadata={"example": "50 mg"})
    route = fields.String(required=True, validate=validate.OneOf(ROUTES), metadata={"example": "oral"})
    frequency = Text(required=True, metadata={"example": "once daily"})
    prescriber = Text(required=True, metadata={"example": "Dr. Okafor"})
    start_date = ClinicalDate(required=True, metadata={"example": "2026-09-01"})
    rxnorm = fields.String(validate=_rxnorm_code, metadata={
        "description": "RxNorm concept code, digits only.", "example": "36437", "pattern": "^[0-9]{1,10}$"})
    indication = Text(blank_is_absent=True, metadata={"example": "depression"})


class Adjustment(Schema):
    dose = Text(required=True, metadata={"description": "The new dose; must differ from the current one.",
                                         "example": "100 mg"})
    reason = Text(required=True, metadata={"example": "partial response at 4 weeks"})


class Discontinuation(Schema):
    reason = Text(required=True, metadata={"example": "sedation"})


class OrderChange(Answer):
    at = fields.AwareDateTime(metadata={"description": "ISO 8601 instant with offset."})
    by = fields.String(metadata={"description": "Label of the key that made the change."})
    action = fields.String(metadata={"description": "adjusted or discontinued"})
    from_dose = fields.String(allow_none=True)
    to_dose = fields.String(allow_none=True)
    reason = fields.String()


class Order(Answer):
    id = fields.UUID(attribute="_id")
    patient_id = fields.UUID()
    medication = fields.String()
    rxnorm = fields.String(allow_none=True)
    indication = fields.String(allow_none=True)
    dose = fields.String(metadata={"description": "The current dose."})
    route = fields.String()
    frequency = fields.String()
    prescriber = fields.String()
    start_date = fields.Date()
    status = fields.String(metadata={"description": "active or discontinued"})
    created_at = fields.AwareDateTime()
    created_by = fields.String()
    updated_at = fields.AwareDateTime()
    discontinued_at = fields.AwareDateTime(allow_none=True)
    history = fields.List(fields.Nested(OrderChange), metadata={
        SOMETIMES_ABSENT: True,
        "description": "Every change after creation, oldest first: what, when, who and why. Left out of a "
                       "patient's medication list without include=history."})


class OrderQuery(Schema):
    patient_id = Uuid()
    status = fields.String(validate=validate.OneOf(STATUSES))


class MedicationsQuery(Schema):
    include = fields.String(validate=validate.OneOf(["history"]), metadata={
        "description": "`history` adds the discontinued orders and every order's change history."})


class PatientMedications(Answer):
    patient_id = fields.UUID()
    current = fields.List(fields.Nested(Order), metadata={
        "description": "Active orders at their current dose, by medication name."})
    discontinued = fields.List(fields.Nested(Order), metadata={
        SOMETIMES_ABSENT: True, "description": "Only with include=history: stopped orders, by medication name."})


# --- check-ins and adherence ----------------------------------------------------------------

class SideEffect(Schema):
    name = Text(required=True, max_length=MAX_NAME_LENGTH, one_line=False, metadata={"example": "nausea"},
                error_messages={"blank": "Missing data for required field."})
    severity = fields.String(required=True, validate=validate.OneOf(SIDE_EFFECT_SEVERITIES),
                             metadata={"example": "mild"})


class CheckInCreate(Schema):
    patient_id = UuidId(required=True, metadata={"description": "A patient of the caller's site."})
    adherence = fields.String(required=True, validate=validate.OneOf(ADHERENCE), metadata={"example": "taken"})
    side_effects = fields.List(fields.Nested(SideEffect), load_default=list)


class CheckIn(Answer):
    id = fields.UUID(attribute="_id")
    patient_id = fields.UUID()
    adherence = fields.String()
    side_effects = fields.List(fields.Nested(SideEffect))
    checked_in_at = fields.AwareDateTime()
    recorded_by = fields.String()


class CheckInQuery(Schema):
    patient_id = Uuid()


class AdherenceQuery(Schema):
    start = ClinicalDate(data_key="from", metadata={"description": "First day, included; default 29 days before `to`."})
    end = ClinicalDate(data_key="to", metadata={"description": "Last day, included; default today at the site."})


class Adherence(Answer):
    patient_id = fields.UUID()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    check_ins = fields.Integer()
    taken = fields.Integer()
    partial = fields.Integer()
    missed = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={
        "description": "(taken + 0.5 × partial) / check-ins, from 0 to 1; null when there is no check-in."})


# --- reconciliations ------------------------------------------------------------------------

class LastChange(Answer):
    at = fields.AwareDateTime()
    action = fields.String()
    from_dose = fields.String(allow_none=True)
    to_dose = fields.String(allow_none=True)


class ReconciledMedication(Answer):
    order_id = fields.UUID()
    medication = fields.String()
    # Left out when the order has none, so that a printed list never says "None".
    rxnorm = fields.String(metadata={SOMETIMES_ABSENT: True})
    indication = fields.String(metadata={SOMETIMES_ABSENT: True})
    dose = fields.String(metadata={"description": "The dose current at reconciliation."})
    route = fields.String()
    frequency = fields.String()
    prescriber = fields.String()
    start_date = fields.Date()
    recently_changed = fields.Boolean(metadata={
        "description": "Started or dose changed within 14 days before discharge."})
    last_change = fields.Nested(LastChange, allow_none=True)


class Reconciliation(Answer):
    id = fields.UUID(attribute="_id")
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    outcome = fields.String()
    discharge_date = fields.Date()
    medications = fields.List(fields.Nested(ReconciledMedication))
    completed_at = fields.AwareDateTime()


class ReconciliationQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()
