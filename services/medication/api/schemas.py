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
from shared.http.fields import ClinicalDate


class WholeMatch(validate.Regexp):
    """``Regexp`` whose pattern must match the whole value: with ``re.match``, ``$`` also matches
    before a final newline, which the spec's pattern (ECMA) does not allow."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# Generous, but bounded: these fields end up on a printed list and in every copy of the document.
MAX_TEXT_LENGTH = 500
MAX_NAME_LENGTH = 200

_RXNORM_CODE = re.compile(r"[0-9]{1,10}")
# What another object is named by in a request: the token shape every id has in events
# (shared/events/_fields.py). Existence at the site is the use case's check (422 on the field).
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"

# The text rules below as JSON Schema patterns, so that the spec says what Text accepts. Control
# characters other than tab, line feed and carriage return never get here (shared/http/hardening.py).
# White space is written out as Python's str.strip sees it: \s differs between Python and ECMA
# (which schemathesis and clients judge with) on U+0085 and U+FEFF.
_WHITE = "\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000"
_SPACE = f"[\\t\\n\\r {_WHITE}]"                                     # white space the gate lets through
_VISIBLE = f"[^\\u0000-\\u0020\\u007F{_WHITE}]"                      # anything but white space and controls
_ON_THE_LINE = "[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]"               # any of those, a space or a tab
_IN_THE_TEXT = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]"   # that, or a line break
ONE_LINE_PATTERN = f"^{_SPACE}*{_VISIBLE}({_ON_THE_LINE}*{_VISIBLE})?{_SPACE}*$"
ONE_LINE_OR_BLANK_PATTERN = f"^{_SPACE}*({_VISIBLE}({_ON_THE_LINE}*{_VISIBLE})?{_SPACE}*)?$"
TEXT_PATTERN = f"^{_IN_THE_TEXT}*{_VISIBLE}{_IN_THE_TEXT}*$"


def _rxnorm_code(value: str) -> None:
    if not _RXNORM_CODE.fullmatch(value):
        raise ValidationError("Must be an RxNorm concept code of digits only.")


class Text(fields.String):
    """Text kept without its surrounding spaces, at most ``max_length`` characters as sent. Spaces
    alone are refused, or with ``blank_is_absent`` count as not given (None); ``one_line`` text
    may not break lines between its first and last visible characters. The spec carries the same
    rules as a pattern."""

    default_error_messages = {"blank": "Must not be empty.", "too_long": "Longer than maximum length {max}.",
                              "lines": "Must be a single line."}

    def __init__(self, *, max_length: int = MAX_TEXT_LENGTH, one_line: bool = True, blank_is_absent: bool = False,
                 **kwargs):
        pattern = (ONE_LINE_OR_BLANK_PATTERN if blank_is_absent else ONE_LINE_PATTERN) if one_line else TEXT_PATTERN
        metadata = {"minLength": 1, "maxLength": max_length, "pattern": pattern, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.max_length, self.one_line, self.blank_is_absent = max_length, one_line, blank_is_absent

    def _deserialize(self, value, attr, data, **kwargs):
        given = super()._deserialize(value, attr, data, **kwargs)
        if len(given) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        text = given.strip()
        if not text:
            if given and self.blank_is_absent:
                return None
            raise self.make_error("blank")
        # One line each: these fields are printed one per line on the reconciliation list.
        if self.one_line and any(ch in text for ch in "\r\n"):
            raise self.make_error("lines")
        return text


# --- orders ---------------------------------------------------------------------------------

class OrderCreate(Schema):
    patient_id = fields.String(required=True, validate=WholeMatch(ID_PATTERN), metadata={
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


class OrderChange(Schema):
    at = fields.AwareDateTime(metadata={"description": "ISO 8601 instant with offset."})
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
    start_date = fields.Date()
    status = fields.String(metadata={"description": "active or discontinued"})
    created_at = fields.AwareDateTime()
    created_by = fields.String()
    updated_at = fields.AwareDateTime()
    discontinued_at = fields.AwareDateTime(allow_none=True)
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
    name = Text(required=True, max_length=MAX_NAME_LENGTH, one_line=False, metadata={"example": "nausea"},
                error_messages={"blank": "Missing data for required field."})
    severity = fields.String(required=True, validate=validate.OneOf(SIDE_EFFECT_SEVERITIES),
                             metadata={"example": "mild"})


class CheckInCreate(Schema):
    patient_id = fields.String(required=True, validate=WholeMatch(ID_PATTERN),
                               metadata={"description": "A patient of the caller's site."})
    adherence = fields.String(required=True, validate=validate.OneOf(ADHERENCE), metadata={"example": "taken"})
    side_effects = fields.List(fields.Nested(SideEffect), load_default=list)


class CheckIn(Schema):
    id = fields.String(attribute="_id")
    patient_id = fields.String()
    adherence = fields.String()
    side_effects = fields.List(fields.Nested(SideEffect))
    checked_in_at = fields.AwareDateTime()
    recorded_by = fields.String()


class CheckInQuery(Schema):
    patient_id = fields.String()


class AdherenceQuery(Schema):
    start = ClinicalDate(data_key="from", metadata={"description": "First day, included; default 29 days before `to`."})
    end = ClinicalDate(data_key="to", metadata={"description": "Last day, included; default today at the site."})


class Adherence(Schema):
    patient_id = fields.String()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    check_ins = fields.Integer()
    taken = fields.Integer()
    partial = fields.Integer()
    missed = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={
        "description": "(taken + 0.5 × partial) / check-ins, from 0 to 1; null when there is no check-in."})


# --- reconciliations ------------------------------------------------------------------------

class LastChange(Schema):
    at = fields.AwareDateTime()
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
    start_date = fields.Date()
    recently_changed = fields.Boolean(metadata={
        "description": "Started or dose changed within 14 days before discharge."})
    last_change = fields.Nested(LastChange, allow_none=True)


class Reconciliation(Schema):
    id = fields.String(attribute="_id")
    enrollment_id = fields.String()
    patient_id = fields.String()
    outcome = fields.String()
    discharge_date = fields.Date()
    medications = fields.List(fields.Nested(ReconciledMedication))
    completed_at = fields.AwareDateTime()


class ReconciliationQuery(Schema):
    enrollment_id = fields.String()
    patient_id = fields.String()
