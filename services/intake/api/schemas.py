"""Request and answer schemas of the intake API; the OpenAPI spec is built from these.

What a request may be is what the spec says: field rules become JSON Schema through apispec, and
the rules across fields (``@validates_schema``) are written out for the view with ``body_rules``.
Request dates are bounded (``ClinicalDate``); answer schemas use plain date and instant fields,
since what is answered was stored or computed (a planned end may fall past the last request day).
"""
from datetime import date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.intake.domain import referrals
from services.intake.domain.assessments import INSTRUMENT_CODES, REGISTRY
from services.intake.domain.enrollments import PROGRAM_CODES, PROGRAMS, STATUSES
from shared import clock
from shared.events.codes import LEVELS_OF_CARE, OUTCOMES
from shared.http.fields import ClinicalDate, ClinicalInstant


class WholeMatch(validate.Regexp):
    """``Regexp`` whose pattern must match the whole value: with ``re.match``, ``$`` also matches
    before a final newline, which the spec's pattern (ECMA) does not allow."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


NAME = validate.Length(min=1, max=100)
# What another object is named by in a request: the token shape every id and code has in events
# (shared/events/_fields.py), so that a value the events would refuse is refused here, as a 422.
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
ASAM_LEVEL_PATTERN = r"^[A-Za-z0-9_.:-]{1,16}$"
# The outer bounds of the programs' lengths; the program itself may be narrower (domain.enrollments).
PLANNED_WEEKS = validate.Range(min=min(p.min_weeks for p in PROGRAMS.values()),
                               max=max(p.max_weeks for p in PROGRAMS.values()))


def id_field(**kwargs):
    """The id of another object in a request body: checked for its shape here, for its existence
    by the use case (422 on the field either way)."""
    return fields.String(validate=WholeMatch(ID_PATTERN), **kwargs)


def body_rules(schema, **rules) -> dict:
    """``@blp.doc`` arguments documenting a request body as ``schema`` plus JSON Schema rules across
    its fields (those its ``@validates_schema`` checks), which apispec cannot derive from the fields."""
    return {"requestBody": {"content": {"application/json": {"schema": {"allOf": [schema], **rules}}}}}


def mrn_field(description: str = "Medical record number, unique at the site.", **kwargs):
    return fields.String(validate=WholeMatch(r"^[A-Za-z0-9-]{1,32}$"),
                         metadata={"description": description, "example": "MRN-1001"}, **kwargs)


class PatientCreate(Schema):
    mrn = mrn_field(required=True)
    given_name = fields.String(required=True, validate=NAME, metadata={"example": "Alex"})
    family_name = fields.String(required=True, validate=NAME, metadata={"example": "Rivera"})
    birth_date = ClinicalDate(required=True, metadata={"example": "1990-04-12"})
    phone = fields.String(validate=WholeMatch(r"^\+?[0-9 ()-]{7,20}$"), metadata={"example": "+1 612 555 0100"})
    email = fields.Email(metadata={"example": "alex@example.org"})

    @validates("birth_date")
    def birth_date_in_the_past(self, value: date, **kwargs):
        if value > clock.now().date() or value.year < 1900:
            raise ValidationError("Must be a date between 1900-01-01 and today.")


class PatientUpdate(PatientCreate):
    """Any subset of the registration fields, each validated as on registration."""

    # marshmallow has no ``Meta.partial``; partial is a load option, fixed here for every use
    # (request parsing and the OpenAPI spec alike).
    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "partial": True})

    @validates_schema
    def changes_something(self, data, **kwargs):
        # A missing body is parsed as {}: both are refused rather than answered as a change.
        if not data:
            raise ValidationError("Give at least one field to change.", field_name="_request")


# Documented with the view (body_rules): what changes_something checks.
PATIENT_UPDATE_RULES = {"minProperties": 1}


class Demographics(Schema):
    mrn = fields.String(allow_none=True, metadata={"example": "MRN-1001"})
    given_name = fields.String(metadata={"example": "Alex"})
    family_name = fields.String(metadata={"example": "Rivera"})
    birth_date = fields.Date(metadata={"example": "1990-04-12"})
    phone = fields.String(allow_none=True, metadata={"example": "+1 612 555 0100"})
    email = fields.String(allow_none=True, metadata={"example": "alex@example.org"})


class Patient(Demographics):
    id = fields.String(attribute="_id", metadata={"example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class PatientQuery(Schema):
    mrn = fields.String(metadata={"description": "Exact MRN."})
    name = fields.String(validate=validate.Length(min=1, max=100),
                         metadata={"description": "Prefix of the family name, case-insensitive."})


class StepDown(Schema):
    level_of_care = fields.String(required=True, validate=validate.OneOf(LEVELS_OF_CARE),
                                  metadata={"example": "outpatient_therapy"})
    provider = fields.String(validate=WholeMatch(r"^[A-Za-z0-9_.:-]{1,64}$"),
                             metadata={"description": "Provider directory code or NPI (not a person's name).",
                                       "example": "npi:1234567893"})


class Admission(Schema):
    """What an admission needs besides the patient: by itself in a referral's admission."""

    program = fields.String(required=True, validate=validate.OneOf(PROGRAM_CODES), metadata={"example": "mh-adult"})
    start_date = ClinicalDate(required=True, metadata={"example": "2026-11-30"})
    planned_weeks = fields.Integer(strict=True, validate=PLANNED_WEEKS, metadata={
        "description": "Default from the program; within the program's bounds.", "example": 8})
    group_id = id_field(metadata={"description": "Scheduling group the patient joins."})
    level_of_care = fields.String(validate=WholeMatch(ASAM_LEVEL_PATTERN),
                                  metadata={"description": "ASAM level; default from the program.", "example": "2.1"})


class EnrollmentCreate(Admission):
    patient_id = id_field(required=True, metadata={"example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})


class Discharge(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={"example": "completed"})
    discharge_date = ClinicalDate(required=True, metadata={
        "description": "From the start date to the site's today: a discharge starts aftercare at once, so it "
                       "is recorded on the day it happens, not planned ahead.", "example": "2026-11-24"})
    step_down = fields.Nested(StepDown)
    notes = fields.String(validate=validate.Length(max=4000),
                          metadata={"description": "Clinical note; stays in intake, never travels in events."})


class LengthChange(Schema):
    planned_weeks = fields.Integer(required=True, strict=True, validate=PLANNED_WEEKS, metadata={
        "description": "Within the program's bounds; the new end may not be before today.", "example": 10})
    reason = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "Kept in the enrollment's length_changes; never travels in events.",
        "example": "Slower progress than planned; PHQ-9 still 14."})


class StatusChange(Schema):
    at = fields.AwareDateTime()
    by = fields.String(metadata={"description": "Label of the key that made the change."})
    from_status = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()


class LengthChangeRecord(Schema):
    at = fields.AwareDateTime()
    by = fields.String()
    from_weeks = fields.Integer()
    to_weeks = fields.Integer()
    reason = fields.String(allow_none=True)


class DischargeRecord(Schema):
    date = fields.Date()
    step_down = fields.Nested(StepDown, allow_none=True)
    notes = fields.String(allow_none=True)


class Enrollment(Schema):
    id = fields.String(attribute="_id", metadata={"example": "3f0e8a52-9c1b-4d7a-a1e2-5b6c7d8e9f01"})
    patient_id = fields.String()
    referral_id = fields.String(allow_none=True, metadata={"description": "The referral admitted, if any."})
    program = fields.String()
    level_of_care = fields.String()
    start_date = fields.Date()
    planned_weeks = fields.Integer()
    planned_end_date = fields.Date()
    group_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "active, completed or discharged"})
    outcome = fields.String(allow_none=True)
    discharge = fields.Nested(DischargeRecord, allow_none=True)
    status_history = fields.List(fields.Nested(StatusChange))
    length_changes = fields.List(fields.Nested(LengthChangeRecord))
    created_at = fields.AwareDateTime()


class EnrollmentQuery(Schema):
    patient_id = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    program = fields.String()


# --- referrals ---------------------------------------------------------------------------

FREE_TEXT = "Free text: stays in intake, never travels in events."
EXAMPLE_ID = "5d2c7a10-6b3e-4f8a-9c1d-2e3f4a5b6c7d"


class ReferredPerson(PatientCreate):
    """The demographics of a person who is not a patient yet; the MRN only if already known."""

    mrn = mrn_field("Medical record number, if the site already assigned one.")


class ReferralCreate(Schema):
    source = fields.String(required=True, validate=validate.OneOf(referrals.SOURCES),
                           metadata={"example": "primary_care"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": f"Why the person is referred. {FREE_TEXT}",
                                     "example": "Worsening depression after job loss; PHQ-9 of 18 at the GP."})
    urgency = fields.String(required=True, validate=validate.OneOf(referrals.URGENCIES),
                            metadata={"example": "urgent"})
    contact_consent = fields.Boolean(required=True, metadata={
        "description": "The person agreed to be contacted by the program.", "example": True})
    patient_id = id_field(metadata={"description": "An existing patient of the site. Give this or `patient`.",
                                    "example": EXAMPLE_ID})
    patient = fields.Nested(ReferredPerson, metadata={
        "description": "A person who is not a patient yet. Give this or `patient_id`; the patient is "
                       "registered (or found by MRN) when the referral is accepted."})

    @validates_schema
    def names_the_person_once(self, data, **kwargs):
        if ("patient_id" in data) == ("patient" in data):
            raise ValidationError("Give either patient_id or patient, not both or neither.", field_name="patient")


# Documented with the view (body_rules): what names_the_person_once checks.
REFERRAL_CREATE_RULES = {"oneOf": [{"required": ["patient_id"]}, {"required": ["patient"]}]}


class ReferralTransition(Schema):
    to = fields.String(required=True, validate=validate.OneOf(referrals.STATUSES), metadata={"example": "screening"})
    reason = fields.String(validate=validate.Length(min=1, max=2000), metadata={
        "description": f"Required to decline; kept in the status history. {FREE_TEXT}",
        "example": "Chose a program closer to home."})
    mrn = mrn_field("Only with `to: accepted`, for a referred person without an MRN: the MRN to register "
                    "the patient under, or to find them by.")
    enrollment = fields.Nested(Admission, metadata={
        "description": "Required with `to: admitted`: the enrollment to create, as in POST /v1/enrollments."})

    @validates_schema
    def fields_fit_the_move(self, data, **kwargs):
        to = data.get("to")
        if to == referrals.ADMITTED and "enrollment" not in data:
            raise ValidationError("Required to admit a referral.", field_name="enrollment")
        if to != referrals.ADMITTED and "enrollment" in data:
            raise ValidationError("Only with to: admitted.", field_name="enrollment")
        if to != referrals.ACCEPTED and "mrn" in data:
            raise ValidationError("Only with to: accepted.", field_name="mrn")


# More than white space as Python's str.strip sees it, written out: \S differs between Python and ECMA
# (which schemathesis and clients judge with) on U+0085 and U+FEFF.
NOT_BLANK_PATTERN = "[^\\t\\n\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"


def _without(*names: str) -> dict:
    """JSON Schema properties that must be absent."""
    return {name: {"not": {}} for name in names}


# Documented with the view (body_rules): what fields_fit_the_move checks, and the reason a decline
# needs (checked by the domain once the move itself is allowed).
REFERRAL_TRANSITION_RULES = {"oneOf": [
    {"properties": {"to": {"enum": [referrals.ADMITTED]}, **_without("mrn")}, "required": ["to", "enrollment"]},
    {"properties": {"to": {"enum": [referrals.ACCEPTED]}, **_without("enrollment")}, "required": ["to"]},
    {"properties": {"to": {"enum": [referrals.DECLINED]}, "reason": {"pattern": NOT_BLANK_PATTERN}, **_without("enrollment", "mrn")},
     "required": ["to", "reason"]},
    {"properties": {"to": {"enum": [status for status in referrals.STATUSES if status not in (
        referrals.ADMITTED, referrals.ACCEPTED, referrals.DECLINED)]}, **_without("enrollment", "mrn")},
     "required": ["to"]},
]}


class ReferralStatusChange(StatusChange):
    reason = fields.String(allow_none=True, metadata={"description": FREE_TEXT})


class Referral(Schema):
    id = fields.String(attribute="_id", metadata={"example": EXAMPLE_ID})
    source = fields.String(metadata={"example": "primary_care"})
    reason = fields.String(metadata={"description": FREE_TEXT})
    urgency = fields.String(metadata={"example": "urgent"})
    # Dumped as read: fields.Boolean does not coerce on the way out; the store's codec (IntakeStore)
    # is what turns the 1 or 0 the database stand-in may return into a boolean.
    contact_consent = fields.Boolean(metadata={"example": True})
    status = fields.String(metadata={"description": ", ".join(referrals.STATUSES), "example": "received"})
    patient_id = fields.String(allow_none=True, metadata={"description": "Set on acceptance at the latest."})
    patient = fields.Nested(Demographics, allow_none=True,
                            metadata={"description": "The referred person's details as the referrer gave them."})
    enrollment_id = fields.String(allow_none=True, metadata={"description": "Set on admission."})
    status_history = fields.List(fields.Nested(ReferralStatusChange))
    received_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime(allow_none=True)


class ReferralQuery(Schema):
    status = fields.String(validate=validate.OneOf(referrals.STATUSES))
    urgency = fields.String(validate=validate.OneOf(referrals.URGENCIES))


# --- assessments -------------------------------------------------------------------------

# A device clock a little ahead of the server's is not an assessment from the future.
CLOCK_TOLERANCE = timedelta(minutes=5)


class AssessmentCreate(Schema):
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENT_CODES), metadata={"example": "PHQ-9"})
    # Counted and range-checked by the instrument (domain.assessments.score), whose messages number
    # items from 1 as on the paper form; hence Raw items here, documented as integers.
    item_scores = fields.List(
        fields.Raw(metadata={"type": "integer", "minimum": 0, "maximum": 3}), required=True,
        metadata={"description": "One answer per item, in order: 9 for PHQ-9, 7 for GAD-7.",
                  "example": [2, 2, 1, 2, 1, 1, 2, 1, 0]})
    administered_at = ClinicalInstant(metadata={"description": "When the patient answered; default now.",
                                                     "example": "2026-11-02T09:30:00-06:00"})
    enrollment_id = id_field(metadata={"description": "An enrollment of this patient.", "example": EXAMPLE_ID})

    @validates("administered_at")
    def not_in_the_future(self, value: datetime, **kwargs):
        if value > clock.now() + CLOCK_TOLERANCE:
            raise ValidationError("Must not be in the future.")


# Documented with the view (body_rules): the item count and range each instrument scores
# (domain.assessments.score).
ASSESSMENT_CREATE_RULES = {"oneOf": [
    {"properties": {"instrument": {"enum": [code]},
                    "item_scores": {"minItems": instrument.item_count, "maxItems": instrument.item_count,
                                    "items": {"minimum": instrument.item_min, "maximum": instrument.item_max}}},
     "required": ["instrument", "item_scores"]}
    for code, instrument in REGISTRY.items()
]}


class Assessment(Schema):
    id = fields.String(attribute="_id", metadata={"example": EXAMPLE_ID})
    patient_id = fields.String()
    enrollment_id = fields.String(allow_none=True)
    instrument = fields.String(metadata={"example": "PHQ-9"})
    item_scores = fields.List(fields.Integer(), metadata={"example": [2, 2, 1, 2, 1, 1, 2, 1, 0]})
    total_score = fields.Integer(metadata={"description": "Scored by the server.", "example": 12})
    severity = fields.String(metadata={"example": "moderate"})
    risk_flags = fields.List(fields.String(), metadata={
        "description": "`suicidal_ideation` when PHQ-9 item 9 is above 0: reach a clinician the same day.",
        "example": []})
    administered_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()


class AssessmentQuery(Schema):
    instrument = fields.String(validate=validate.OneOf(INSTRUMENT_CODES))


class InstrumentProgress(Schema):
    instrument = fields.String(metadata={"example": "PHQ-9"})
    baseline = fields.Integer(metadata={"description": "First total in the current enrollment.", "example": 18})
    baseline_administered_at = fields.AwareDateTime()
    latest = fields.Integer(metadata={"example": 8})
    latest_administered_at = fields.AwareDateTime()
    change = fields.Integer(metadata={"description": "latest - baseline; negative is better.", "example": -10})
    percent_change = fields.Float(allow_none=True, metadata={"example": -55.6})
    response = fields.Boolean(metadata={"description": "A drop of 50% or more.", "example": True})
    remission = fields.Boolean(metadata={"description": "Latest total below 5.", "example": False})
    count = fields.Integer(metadata={"example": 4})


class AssessmentSummary(Schema):
    patient_id = fields.String(metadata={"example": EXAMPLE_ID})
    enrollment_id = fields.String(allow_none=True, metadata={
        "description": "The current enrollment: the active one, else the last; none when never enrolled."})
    enrollment_start_date = fields.Date(allow_none=True, metadata={"example": "2026-10-05"})
    instruments = fields.List(fields.Nested(InstrumentProgress))


# --- census ------------------------------------------------------------------------------

class CensusQuery(Schema):
    from_date = ClinicalDate(data_key="from", metadata={"description": "First day counted; default 29 days before `to`.",
                                                       "example": "2026-10-01"})
    to_date = ClinicalDate(data_key="to", metadata={"description": "Last day counted; default the site's today.",
                                                   "example": "2026-10-30"})


def _counts_schema(name: str, key: str, example: dict) -> type[Schema]:
    """``{total, <key>: {code: count}}``, one schema for programs and one for outcomes."""
    return Schema.from_dict({
        "total": fields.Integer(metadata={"example": sum(example.values())}),
        key: fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": example}),
    }, name=name)


ProgramCounts = _counts_schema("ProgramCounts", "by_program", {"mh-adult": 14, "sud-adult": 9, "adolescent": 3})
OutcomeCounts = _counts_schema("OutcomeCounts", "by_outcome", {
    "completed": 5, "against_advice": 1, "administrative": 0, "transferred": 1, "other": 0})


class SiteCensus(Schema):
    site_id = fields.String(metadata={"example": "mpls"})
    from_date = fields.Date(data_key="from", attribute="from", metadata={"example": "2026-10-28"})
    to_date = fields.Date(data_key="to", attribute="to", metadata={"example": "2026-11-26"})
    active = fields.Nested(ProgramCounts, metadata={"description": "Enrollments active now."})
    admissions = fields.Nested(ProgramCounts, metadata={"description": "Enrollments that started in the range."})
    discharges = fields.Nested(OutcomeCounts, metadata={"description": "Enrollments that ended in the range."})


class Census(Schema):
    sites = fields.List(fields.Nested(SiteCensus), metadata={
        "description": "The caller's site; every site for an operator key."})
