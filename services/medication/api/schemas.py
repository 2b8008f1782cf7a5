"""Request and answer schemas of the medication API; the OpenAPI spec is built from these.

Request schemas parse types and name required fields; the rules beyond that (lengths, one line,
RxNorm digits, a dose that actually changes) live in the domain, which answers 422 field by field too.
"""
from marshmallow import Schema, fields, validate

from services.medication.domain.check_ins import ADHERENCE, MAX_NAME_LENGTH, SIDE_EFFECT_SEVERITIES
from services.medication.domain.orders import MAX_TEXT_LENGTH, ROUTES, STATUSES
from shared.http.fields import StoredBoolean, StoredDate, StoredInstant

TEXT = validate.Length(min=1, max=MAX_TEXT_LENGTH)


# --- orders ---------------------------------------------------------------------------------

class OrderCreate(Schema):
    patient_id = fields.String(required=True, metadata={
        "description": "A patient of the caller's site, as registered with intake. A patient registered "
                       "a moment ago may not be known to medication yet (422 on patient_id): retry shortly."})
    medication = fields.String(required=True, validate=TEXT, metadata={"example": "Sertraline"})
    dose = fields.String(required=True, validate=TEXT, metadata={"example": "50 mg"})
    route = fields.String(required=True, validate=validate.OneOf(ROUTES), metadata={"example": "oral"})
    frequency = fields.String(required=True, validate=TEXT, metadata={"example": "once daily"})
    prescriber = fields.String(required=True, validate=TEXT, metadata={"example": "Dr. Okafor"})
    start_date = fields.Date(required=True, metadata={"example": "2026-09-01"})
    rxnorm = fields.String(metadata={"description": "RxNorm concept code, digits only.", "example": "36437"})
    indication = fields.String(validate=TEXT, metadata={"example": "depression"})


class Adjustment(Schema):
    dose = fields.String(required=True, validate=TEXT,
                         metadata={"description": "The new dose; must differ from the current one.",
                                   "example": "100 mg"})
    reason = fields.String(required=True, validate=TEXT, metadata={"example": "partial response at 4 weeks"})


class Discontinuation(Schema):
    reason = fields.String(required=True, validate=TEXT, metadata={"example": "sedation"})


class OrderChange(Schema):
    at = fields.String(metadata={"description": "ISO 8601 instant with offset."})
    by = fields.String(metadata={"description": "Label of the key that made the change."})
    action = fields.String(metadata={"description": "adjusted or discontinued"})
    from_dose = fields.String(allow_none=True)
    to_dose = fields.String(allow_none=True)
    reason = fields.String()


class Order(Schema):
    id = fields.String(attribute="_id")
    patient_id = fields.String()
    medication = fields.String()
    rxnorm = fields.String(allow_none=True)
    indication = fields.String(allow_none=True)
    dose = fields.String(metadata={"description": "The current dose."})
    route = fields.String()
    frequency = fields.String()
    prescriber = fields.String()
    start_date = StoredDate()
    status = fields.String(metadata={"description": "active or discontinued"})
    created_at = StoredInstant()
    created_by = fields.String()
    updated_at = StoredInstant()
    discontinued_at = StoredInstant(allow_none=True)
    history = fields.List(fields.Nested(OrderChange), metadata={
        "description": "Every change after creation, oldest first: what, when, who and why."})


class OrderQuery(Schema):
    patient_id = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))


class MedicationsQuery(Schema):
    include = fields.String(validate=validate.OneOf(["history"]), metadata={
        "description": "`history` adds the discontinued orders and every order's change history."})


class PatientMedications(Schema):
    patient_id = fields.String()
    current = fields.List(fields.Nested(Order), metadata={
        "description": "Active orders at their current dose, by medication name."})
    discontinued = fields.List(fields.Nested(Order), metadata={
        "description": "Only with include=history: stopped orders, by medication name."})


# --- check-ins and adherence ----------------------------------------------------------------

class SideEffect(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NAME_LENGTH),
                         metadata={"example": "nausea"})
    severity = fields.String(required=True, validate=validate.OneOf(SIDE_EFFECT_SEVERITIES),
                             metadata={"example": "mild"})


class CheckInCreate(Schema):
    patient_id = fields.String(required=True, metadata={"description": "A patient of the caller's site."})
    adherence = fields.String(required=True, validate=validate.OneOf(ADHERENCE), metadata={"example": "taken"})
    side_effects = fields.List(fields.Nested(SideEffect), load_default=list)


class CheckIn(Schema):
    id = fields.String(attribute="_id")
    patient_id = fields.String()
    adherence = fields.String()
    side_effects = fields.List(fields.Nested(SideEffect))
    checked_in_at = StoredInstant()
    recorded_by = fields.String()


class CheckInQuery(Schema):
    patient_id = fields.String()


class AdherenceQuery(Schema):
    start = fields.Date(data_key="from", metadata={"description": "First day, included; default 29 days before `to`."})
    end = fields.Date(data_key="to", metadata={"description": "Last day, included; default today at the site."})


class Adherence(Schema):
    patient_id = fields.String()
    start = StoredDate(data_key="from")
    end = StoredDate(data_key="to")
    check_ins = fields.Integer()
    taken = fields.Integer()
    partial = fields.Integer()
    missed = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={
        "description": "(taken + 0.5 × partial) / check-ins, from 0 to 1; null when there is no check-in."})


# --- reconciliations ------------------------------------------------------------------------

class LastChange(Schema):
    at = fields.String()
    action = fields.String()
    from_dose = fields.String(allow_none=True)
    to_dose = fields.String(allow_none=True)


class ReconciledMedication(Schema):
    order_id = fields.String()
    medication = fields.String()
    rxnorm = fields.String()
    indication = fields.String()
    dose = fields.String(metadata={"description": "The dose current at reconciliation."})
    route = fields.String()
    frequency = fields.String()
    prescriber = fields.String()
    start_date = StoredDate()
    recently_changed = StoredBoolean(metadata={
        "description": "Started or dose changed within 14 days before discharge."})
    last_change = fields.Nested(LastChange, allow_none=True)


class Reconciliation(Schema):
    id = fields.String(attribute="_id")
    enrollment_id = fields.String()
    patient_id = fields.String()
    outcome = fields.String()
    discharge_date = StoredDate()
    medications = fields.List(fields.Nested(ReconciledMedication))
    completed_at = StoredInstant()


class ReconciliationQuery(Schema):
    enrollment_id = fields.String()
    patient_id = fields.String()
