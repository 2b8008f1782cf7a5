"""Request and answer schemas of the intake API; the OpenAPI spec is built from these.

What a request may be is what the spec says: field rules become JSON Schema through apispec, and
the rules across fields (``@validates_schema``) are written out for the view with ``body_rules``.
Request dates are bounded (``ClinicalDate``); answer schemas use plain date and instant fields,
since what is answered was stored or computed (a planned end may fall past the last request day).
"""
from datetime import date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates, validates_schema

from services.intake.domain import consents, referrals, safety_plans
from services.intake.domain.assessments import INSTRUMENT_CODES, REGISTRY
from services.intake.domain.diagnoses import MAX_DIAGNOSES
from services.intake.domain.enrollments import (
    LEVEL_CHANGE_DAYS_AHEAD,
    MAX_WEEKS,
    MIN_WEEKS,
    STATUSES,
    TEDS_D_REASONS,
    periods_of,
)
from shared import clock
from shared.events.codes import LEVELS_OF_CARE, OUTCOMES
from shared.http.fields import SOMETIMES_ABSENT, Answer, ClinicalDate, ClinicalInstant, Text, Uuid


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
# The outer bounds of the programs' lengths; the site's program is narrower (its min_weeks..max_weeks).
PLANNED_WEEKS = validate.Range(min=MIN_WEEKS, max=MAX_WEEKS)
# A program code of the site's catalog (shared/programs.py): which codes, the catalog says (GET /v1/programs).
PROGRAM_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
PROGRAM_DESCRIPTION = "A program code of the site's catalog (`GET /v1/programs`); another is a 422 on `program`."


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


class Demographics(Answer):
    mrn = fields.String(allow_none=True, metadata={"example": "MRN-1001"})
    given_name = fields.String(metadata={"example": "Alex"})
    family_name = fields.String(metadata={"example": "Rivera"})
    birth_date = fields.Date(metadata={"example": "1990-04-12"})
    # A patient's are left out until given; a referred person's are null when not given.
    phone = fields.String(allow_none=True, metadata={SOMETIMES_ABSENT: True, "example": "+1 612 555 0100"})
    email = fields.String(allow_none=True, metadata={SOMETIMES_ABSENT: True, "example": "alex@example.org"})


class Patient(Demographics):
    id = fields.UUID(attribute="_id", metadata={"example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True,
                                                "description": "The last change; left out until the first one."})


class PatientQuery(Schema):
    mrn = fields.String(metadata={"description": "Exact MRN."})
    name = fields.String(validate=validate.Length(min=1, max=100),
                         metadata={"description": "Prefix of the family name, case-insensitive."})


class StepDown(Schema):
    level_of_care = fields.String(required=True, validate=validate.OneOf(LEVELS_OF_CARE),
                                  metadata={"example": "outpatient_therapy"})
    provider = Text(max_length=200, metadata={
        "description": "The provider of aftercare's directory the patient steps down to: a directory code (an "
                       "entry's id from `GET /aftercare/v1/providers`, or an NPI as `npi:1234567893`), or a name "
                       "typed by the clinician, one line of up to 200 characters (spaces, commas and accents "
                       "welcome). The name is kept here, in the discharge record; the event carries its *name code* "
                       "(`name:` and 32 hex digits, the same for names that differ only in case, accents, "
                       "punctuation or spacing), which aftercare resolves to the directory entry of that name, "
                       "or to a new entry for staff to complete.",
        "example": "Lakeside Counseling Center, LLC"})


class Admission(Schema):
    """What an admission needs besides the patient: by itself in a referral's admission."""

    program = fields.String(required=True, validate=WholeMatch(PROGRAM_PATTERN),
                            metadata={"description": PROGRAM_DESCRIPTION, "example": "mh-adult"})
    start_date = ClinicalDate(required=True, metadata={"example": "2026-11-30"})
    planned_weeks = fields.Integer(strict=True, validate=PLANNED_WEEKS, metadata={
        "description": "Default the program's `planned_weeks`; within its `min_weeks`..`max_weeks` (else 422).",
        "example": 8})
    group_id = Uuid(metadata={"description": "Scheduling group the patient joins (its id, a UUID; intake does not "
                                             "look it up)."})
    level_of_care = fields.String(validate=WholeMatch(ASAM_LEVEL_PATTERN), metadata={
        "description": "Deprecated: the level of care comes from the program. When given it must be the "
                       "program's (else 422); leave it out.", "deprecated": True, "example": "2.1"})


class EnrollmentCreate(Admission):
    patient_id = id_field(required=True, metadata={"format": "uuid", "example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})


def _teds_d_mapping() -> str:
    return "; ".join(f"`{outcome}` → {number} {label}" for outcome, (number, label) in TEDS_D_REASONS.items())


class Discharge(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={
        "description": "`completed` sets status `completed` and starts the aftercare plan; every other outcome "
                       "sets status `discharged`. Each maps to TEDS-D's reason for discharge (SAMHSA): "
                       f"{_teds_d_mapping()}.", "example": "completed"})
    discharge_date = ClinicalDate(required=True, metadata={
        "description": "From the start of the current level of care (the start date, without a change) to the "
                       "site's today: a discharge starts aftercare at once, so it is recorded on the day it "
                       "happens, not planned ahead. It ends the enrollment's last period.",
        "example": "2026-11-24"})
    step_down = fields.Nested(StepDown)
    notes = fields.String(validate=validate.Length(max=4000),
                          metadata={"description": "Clinical note; stays in intake, never travels in events."})


class LengthChange(Schema):
    planned_weeks = fields.Integer(required=True, strict=True, validate=PLANNED_WEEKS, metadata={
        "description": "Within the program's bounds; the new end may not be before today.", "example": 10})
    reason = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "Kept in the enrollment's length_changes; never travels in events.",
        "example": "Slower progress than planned; PHQ-9 still 14."})


class StatusChange(Answer):
    at = fields.AwareDateTime()
    by = fields.String(metadata={"description": "Label of the key that made the change."})
    from_status = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()


class LengthChangeRecord(Answer):
    at = fields.AwareDateTime()
    by = fields.String()
    from_weeks = fields.Integer()
    to_weeks = fields.Integer()
    reason = fields.String(allow_none=True)


class DischargeRecord(Answer):
    date = fields.Date()
    step_down = fields.Nested(StepDown, allow_none=True)
    notes = fields.String(allow_none=True)


# ICD-10-CM as written: a letter, two characters, then up to four after the (optional) dot.
ICD_10_CM_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$"


class Diagnosis(Schema):
    code = fields.String(required=True, validate=WholeMatch(ICD_10_CM_PATTERN), metadata={
        "description": "A billable ICD-10-CM code (a leaf of the code set, e.g. F33.1, not the category F33); "
                       "with or without its dot, answered dotted. Another is a 422 on `diagnoses.N.code`.",
        "example": "F33.1"})
    rank = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_DIAGNOSES), metadata={
        "description": "1 is the primary diagnosis; exactly one rank 1, ranks unique.", "example": 1})


class DiagnosesUpdate(Schema):
    diagnoses = fields.List(fields.Nested(Diagnosis), required=True,
                            validate=validate.Length(min=1, max=MAX_DIAGNOSES), metadata={
        "description": f"The whole set, 1 to {MAX_DIAGNOSES} diagnoses: exactly one of rank 1 (the primary), ranks "
                       "and codes unique.",
        "example": [{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}, {"code": "F10.20", "rank": 3}]})


class DiagnosisChange(Answer):
    at = fields.AwareDateTime()
    by = fields.String(metadata={"description": "Label of the key that made the change."})
    diagnoses = fields.List(fields.Nested(Diagnosis), metadata={"description": "The set as it was put."})


class LevelOfCareChange(Schema):
    program = fields.String(required=True, validate=WholeMatch(PROGRAM_PATTERN), metadata={
        "description": f"{PROGRAM_DESCRIPTION} Not the current one.", "example": "mh-adult"})
    effective_date = ClinicalDate(required=True, metadata={
        "description": "The first day in the new program: after the current period's start and at most "
                       f"{LEVEL_CHANGE_DAYS_AHEAD} days after the site's today (else 422).",
        "example": "2026-11-30"})
    reason = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "Free text, kept in the new period; never travels in events.",
        "example": "Stable for two weeks; steps down from PHP to IOP."})


class Period(Answer):
    program = fields.String(metadata={"example": "php-adult"})
    level_of_care = fields.String(allow_none=True, metadata={"description": "ASAM level of the program.",
                                                             "example": "2.5"})
    start_date = fields.Date(metadata={"example": "2026-11-02"})
    end_date = fields.Date(allow_none=True, metadata={
        "description": "The last day (the day before the next period, or the discharge date); null while current.",
        "example": "2026-11-29"})
    reason = fields.String(allow_none=True, metadata={"description": "Why the level changed (free text)."})


class MeasurementOverdueRecord(Answer):
    instrument = fields.String(metadata={"example": "PHQ-9"})
    due_date = fields.Date(metadata={"example": "2026-11-16"})


class Enrollment(Answer):
    id = fields.UUID(attribute="_id", metadata={"example": "3f0e8a52-9c1b-4d7a-a1e2-5b6c7d8e9f01"})
    patient_id = fields.UUID()
    referral_id = fields.UUID(allow_none=True, metadata={"description": "The referral admitted, if any."})
    program = fields.String(metadata={"description": "The current period's program.", "example": "mh-adult"})
    level_of_care = fields.String(metadata={"description": "The current period's ASAM level.", "example": "2.1"})
    start_date = fields.Date(metadata={"description": "The admission: the episode's first day."})
    planned_weeks = fields.Integer(metadata={"description": "Counted from the current period's start."})
    planned_end_date = fields.Date()
    periods = fields.List(fields.Nested(Period), metadata={
        "description": "The episode's levels of care, oldest first; the last is the current one."})
    diagnoses = fields.List(fields.Nested(Diagnosis), metadata={"description": "ICD-10-CM, in rank order."})
    diagnosis_history = fields.List(fields.Nested(DiagnosisChange), metadata={
        "description": "Every set of diagnoses put, oldest first."})
    measurement_overdue = fields.List(fields.Nested(MeasurementOverdueRecord), metadata={
        SOMETIMES_ABSENT: True, "description": "Re-measurements the program's cadence asked for and missed (one per "
                                               "due date); left out until the first one is missed."})
    group_id = fields.UUID(allow_none=True)
    status = fields.String(metadata={"description": "active, completed or discharged"})
    outcome = fields.String(allow_none=True)
    discharge = fields.Nested(DischargeRecord, allow_none=True)
    status_history = fields.List(fields.Nested(StatusChange))
    length_changes = fields.List(fields.Nested(LengthChangeRecord))
    created_at = fields.AwareDateTime()

    @pre_dump
    def with_periods(self, enrollment, **kwargs):
        # An enrollment stored before periods were kept has one: its whole stay.
        return enrollment if enrollment.get("periods") else {**enrollment, "periods": periods_of(enrollment)}


class EnrollmentQuery(Schema):
    patient_id = Uuid()
    status = fields.String(validate=validate.OneOf(STATUSES))
    program = fields.String()


# --- programs ----------------------------------------------------------------------------

class Program(Answer):
    """A program of the site's catalog (the sites file's ``programs``; shared/programs.py)."""

    code = fields.String(metadata={"example": "php-adult"})
    name = fields.String(metadata={"example": "Adult partial hospitalization"})
    level_of_care = fields.String(metadata={"description": "ASAM level: 1 outpatient, 2.1 intensive outpatient, "
                                                           "2.5 partial hospitalization.", "example": "2.5"})
    population = fields.String(metadata={"description": "adult or adolescent", "example": "adult"})
    substance_use = fields.Boolean(metadata={"description": "Substance-use treatment: records fall under 42 CFR "
                                                            "Part 2.", "example": False})
    planned_weeks = fields.Integer(metadata={"description": "Default length of an admission or a change of level "
                                                            "of care.", "example": 4})
    weekly_minimum_hours = fields.Float(metadata={"description": "Attended hours a week must reach.", "example": 20})
    min_weeks = fields.Integer(metadata={"example": 1})
    max_weeks = fields.Integer(metadata={"example": 26})
    cadence = fields.Dict(keys=fields.String(), metadata={
        "description": "What recurs besides the group: `individual_per_week`, `medication_check_in_every_weeks` "
                       "(scheduling) and `phq9_every_weeks` (a PHQ-9 is due that many weeks after the last one; "
                       "missed, intake raises `intake.measurement.overdue`; absent: no cadence).",
        "example": {"individual_per_week": 1, "medication_check_in_every_weeks": 2, "phq9_every_weeks": 2}})


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
    patient_id = id_field(metadata={"format": "uuid",
                                    "description": "An existing patient of the site. Give this or `patient`.",
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


class Referral(Answer):
    id = fields.UUID(attribute="_id", metadata={"example": EXAMPLE_ID})
    source = fields.String(metadata={"example": "primary_care"})
    reason = fields.String(metadata={"description": FREE_TEXT})
    urgency = fields.String(metadata={"example": "urgent"})
    # Dumped as read: fields.Boolean does not coerce on the way out; the store's codec (IntakeStore)
    # is what turns the 1 or 0 the database stand-in may return into a boolean.
    contact_consent = fields.Boolean(metadata={"example": True})
    status = fields.String(metadata={"description": ", ".join(referrals.STATUSES), "example": "received"})
    patient_id = fields.UUID(allow_none=True, metadata={"description": "Set on acceptance at the latest."})
    patient = fields.Nested(Demographics, allow_none=True,
                            metadata={"description": "The referred person's details as the referrer gave them."})
    enrollment_id = fields.UUID(allow_none=True, metadata={"description": "Set on admission."})
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
        fields.Raw(metadata={"type": "integer", "minimum": 0, "maximum": max(i.item_max for i in REGISTRY.values())}),
        required=True,
        metadata={"description": "One answer per item, in order. PHQ-9: 9 items 0-3. GAD-7: 7 items 0-3. "
                                 "C-SSRS (screener): 6 items, 1-5 no 0 / yes 1, item 6 (behaviour) no 0, yes more "
                                 "than 3 months ago 1, yes within the past 3 months 2. PCL-5: 20 items 0-4. "
                                 "AUDIT: 10 items, 1-8 scored 0-4, 9-10 scored 0, 2 or 4 (another answer is a 422).",
                  "example": [2, 2, 1, 2, 1, 1, 2, 1, 0]})
    administered_at = ClinicalInstant(metadata={"description": "When the patient answered; default now.",
                                                     "example": "2026-11-02T09:30:00-06:00"})
    enrollment_id = id_field(metadata={"format": "uuid", "description": "An enrollment of this patient.",
                                       "example": EXAMPLE_ID})

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


class Assessment(Answer):
    id = fields.UUID(attribute="_id", metadata={"example": EXAMPLE_ID})
    patient_id = fields.UUID()
    enrollment_id = fields.UUID(allow_none=True)
    instrument = fields.String(metadata={"example": "PHQ-9"})
    item_scores = fields.List(fields.Integer(), metadata={"example": [2, 2, 1, 2, 1, 1, 2, 1, 0]})
    total_score = fields.Integer(metadata={"description": "Scored by the server (the C-SSRS: its number of yes "
                                                          "answers).", "example": 12})
    severity = fields.String(metadata={
        "description": "The band of the total: PHQ-9 minimal, mild, moderate, moderately_severe, severe; GAD-7 "
                       "minimal, mild, moderate, severe; PCL-5 below_threshold (0-32), provisional_ptsd (33-80); "
                       "AUDIT low_risk (0-7), hazardous (8-15), harmful (16-19), possible_dependence (20-40). "
                       "C-SSRS: its risk level.", "example": "moderate"})
    risk_flags = fields.List(fields.String(), metadata={
        "description": "`suicidal_ideation` when PHQ-9 item 9 is above 0; `suicide_risk` for a positive C-SSRS "
                       "screen (moderate or high). Either emits `intake.risk.flagged`: reach a clinician the same "
                       "day.", "example": []})
    risk_level = fields.String(allow_none=True, metadata={
        "description": "C-SSRS screener triage: none, low (item 1 or 2 yes only), moderate (item 3 yes, or "
                       "behaviour more than 3 months ago), high (item 4 or 5 yes, or behaviour within 3 months). "
                       "Null for the other instruments.", "example": None})
    administered_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()


class AssessmentQuery(Schema):
    instrument = fields.String(validate=validate.OneOf(INSTRUMENT_CODES))


class InstrumentProgress(Answer):
    instrument = fields.String(metadata={"example": "PHQ-9"})
    baseline = fields.Integer(metadata={"description": "First total of the episode (see `baseline_source`).",
                                        "example": 18})
    baseline_administered_at = fields.AwareDateTime()
    baseline_source = fields.String(metadata={
        "description": "`pre_admission_evaluation`: recorded within `baseline_window_days` before admission; "
                       "`enrollment`: the first of the enrollment; `first_recorded`: none in the episode (or no "
                       "enrollment), the first recorded.", "example": "pre_admission_evaluation"})
    latest = fields.Integer(metadata={"example": 8})
    latest_administered_at = fields.AwareDateTime()
    change = fields.Integer(metadata={"description": "latest - baseline; negative is better.", "example": -10})
    percent_change = fields.Float(allow_none=True, metadata={"example": -55.6})
    response = fields.Boolean(allow_none=True, metadata={
        "description": "A drop of 50% or more. PHQ-9: only from a baseline of 10 or more (NQF 0710, HEDIS "
                       "DRR-E); null when not applicable.", "example": True})
    remission = fields.Boolean(allow_none=True, metadata={
        "description": "Latest total below 5 (PHQ-9, GAD-7); null when not applicable.", "example": False})
    not_applicable_reason = fields.String(allow_none=True, metadata={
        "description": "Why response and remission are null, e.g. `baseline PHQ-9 below 10`, or no such measure "
                       "for the instrument (PCL-5, AUDIT).", "example": None})
    count = fields.Integer(metadata={"example": 4})


class AssessmentSummary(Answer):
    patient_id = fields.UUID(metadata={"example": EXAMPLE_ID})
    enrollment_id = fields.UUID(allow_none=True, metadata={
        "description": "The current enrollment: the active one, else the last; none when never enrolled."})
    enrollment_start_date = fields.Date(allow_none=True, metadata={"example": "2026-10-05"})
    baseline_window_days = fields.Integer(metadata={
        "description": "The site's window: an evaluation this many days before admission sets the baseline.",
        "example": 30})
    instruments = fields.List(fields.Nested(InstrumentProgress), metadata={
        "description": "One per instrument assessed, in the registry's order; the C-SSRS (a screen) is left out."})


# --- census ------------------------------------------------------------------------------

class CensusQuery(Schema):
    from_date = ClinicalDate(data_key="from", metadata={"description": "First day counted; default 29 days before `to`.",
                                                       "example": "2026-10-01"})
    to_date = ClinicalDate(data_key="to", metadata={"description": "Last day counted; default the site's today.",
                                                   "example": "2026-10-30"})


def _counts_schema(name: str, key: str, example: dict) -> type[Schema]:
    """``{total, <key>: {code: count}}``, one schema for programs and one for outcomes."""
    return Answer.from_dict({
        "total": fields.Integer(metadata={"example": sum(example.values())}),
        key: fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": example}),
    }, name=name)


ProgramCounts = _counts_schema("ProgramCounts", "by_program", {"mh-adult": 14, "sud-adult": 9, "adolescent": 3})
OutcomeCounts = _counts_schema("OutcomeCounts", "by_outcome", {
    "completed": 5, "against_advice": 1, "administrative": 0, "transferred": 1, "other": 0, "death": 0,
    "incarcerated": 1})


class SiteCensus(Answer):
    site_id = fields.String(metadata={"example": "mpls"})
    from_date = fields.Date(data_key="from", attribute="from", metadata={"example": "2026-10-28"})
    to_date = fields.Date(data_key="to", attribute="to", metadata={"example": "2026-11-26"})
    active = fields.Nested(ProgramCounts, metadata={"description": "Enrollments active now."})
    admissions = fields.Nested(ProgramCounts, metadata={"description": "Enrollments that started in the range."})
    discharges = fields.Nested(OutcomeCounts, metadata={"description": "Enrollments that ended in the range."})


class Census(Answer):
    sites = fields.List(fields.Nested(SiteCensus), metadata={
        "description": "The caller's site; every site for an operator key."})


# --- Part 2 consents (42 CFR §2.31) and safety plans ---------------------------------------
# The rules are services/intake/domain/consents.py's and safety_plans.py's; what each field maps
# to in §2.31(a) is in its description, so that the spec reads as the consent form does.

# Text a person writes: at least one character that is more than white space, written out so that
# Python and the spec's pattern (ECMA) read the class alike; control characters are the gate's.
_TEXT = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]"
_VISIBLE = "[^\\u0000-\\u0020\\u007F\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]"
NOT_BLANK = WholeMatch(f"^{_TEXT}*{_VISIBLE}{_TEXT}*$", error="Must hold more than white space.")
LIST_ITEMS = validate.Length(max=20)


def free_text(max_length: int, **kwargs):
    """A line or paragraph written by a person: kept in intake, never in events."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), NOT_BLANK], **kwargs)


def all_of(schema, *rules: dict, examples: dict | None = None) -> dict:
    """``@blp.doc`` arguments documenting a request body as ``schema`` and every one of ``rules``
    (JSON Schema across its fields, which apispec cannot derive from the fields), with whole
    ``examples`` where the fields' own would compose a body the rules refuse."""
    content = {"schema": {"allOf": [schema, *rules]}}
    if examples:
        content["examples"] = {name: {"summary": summary, "value": value}
                               for name, (summary, value) in examples.items()}
    return {"requestBody": {"content": {"application/json": content}}}


class ConsentSignature(Schema):
    signed_by = fields.String(required=True, validate=validate.OneOf(consents.SIGNERS), metadata={
        "description": "§2.31(a)(8): who signed: the patient, or a guardian (for a minor, §2.14; for a patient "
                       "who lacks capacity or has died, §2.15).", "example": "patient"})
    signer = id_field(required=True, metadata={
        "description": "§2.31(a)(8): the signer, by reference: an id the front-end gives (`patient`, "
                       "`guardian:<id>`, the scanned form's document id), never a name. Kept in intake; never "
                       "in events.", "example": "patient"})
    signed_on = ClinicalDate(required=True, metadata={
        "description": "§2.31(a)(9): the day the consent was signed; not after the site's today.",
        "example": "2026-11-20"})


class ConsentCreate(Schema):
    """A written consent to disclose substance-use (42 CFR Part 2) records, with the elements of §2.31(a).

    (a)(1) the patient is the one in the path; (a)(2) the program that may disclose is the caller's
    site; (a)(6) the right to revoke and (a)(10) the notices are statements of the signed form."""

    scope = fields.List(fields.String(validate=validate.OneOf(consents.SCOPES)), required=True,
                        validate=validate.Length(min=1, max=len(consents.SCOPES)), metadata={
        "description": "§2.31(a)(3): what may be disclosed, as codes; each once, and `all_records` alone.",
        "example": ["diagnoses", "medications", "discharge_summary", "referral_packet"],
        "uniqueItems": True,
        "anyOf": [{"maxItems": 1}, {"items": {"not": {"enum": [consents.ALL_RECORDS]}}}]})
    recipient_id = Uuid(metadata={
        "description": "§2.31(a)(4): the one recipient: a provider of aftercare's directory "
                       "(`GET /aftercare/v1/providers`), by its id. Give this or `recipient_class`.",
        "example": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"})
    recipient_class = fields.String(validate=validate.OneOf(consents.RECIPIENT_CLASSES), metadata={
        "description": "§2.31(a)(4)(i) as amended in 2024: a class of recipients instead of one. `tpo`: the single "
                       "consent for all future uses and disclosures for treatment, payment and health care "
                       "operations (\"my treating providers, health plans, third-party payers, and people helping "
                       "to operate this program\"). Give this or `recipient_id`."})
    purpose = fields.String(required=True, validate=validate.OneOf(consents.PURPOSES), metadata={
        "description": "§2.31(a)(5): why. With `recipient_class: tpo`, one of treatment, payment and "
                       "health_care_operations; `other` needs `purpose_detail`. Aftercare discloses to a provider "
                       "for `treatment`.", "example": "treatment"})
    purpose_detail = free_text(500, metadata={
        "description": "§2.31(a)(5): the purpose in words, e.g. \"At the request of the patient.\"; with "
                       f"`purpose: other` only (required then). {FREE_TEXT}"})
    expires_on = ClinicalDate(metadata={
        "description": "§2.31(a)(7): the last day the consent holds; not before `signature.signed_on` nor the "
                       "site's today. Give this or `expiry_event`.", "example": "2027-11-20"})
    expiry_event = fields.String(validate=validate.OneOf(consents.EXPIRY_EVENTS), metadata={
        "description": "§2.31(a)(7): an expiry event instead of a date. `end_of_treatment`: the consent holds "
                       "until the day the patient's treatment at the site ends (the discharge no other enrollment "
                       "continues); `none`: no expiry, allowed only for treatment, payment or "
                       "health_care_operations. Give this or `expires_on`."})
    signature = fields.Nested(ConsentSignature, required=True, metadata={
        "description": "§2.31(a)(8)-(9): who signed, and when."})

    @validates_schema
    def terms_fit_together(self, data, **kwargs):
        errors = consents.term_errors(data)
        if errors:
            raise ValidationError(errors)


def _only(field: str, values) -> dict:
    return {"properties": {field: {"enum": list(values)}}, "required": [field]}


_SIGNED = {"signed_by": "patient", "signer": "patient", "signed_on": "2026-11-20"}
CONSENT_EXAMPLES = {
    "one_provider": ("The step-down provider, for treatment, until the end of treatment", {
        "scope": ["diagnoses", "medications", "discharge_summary", "referral_packet"],
        "recipient_id": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "purpose": "treatment",
        "expiry_event": "end_of_treatment", "signature": _SIGNED}),
    "tpo": ("The 2024 single consent for treatment, payment and health care operations", {
        "scope": ["all_records"], "recipient_class": "tpo", "purpose": "treatment", "expiry_event": "none",
        "signature": {**_SIGNED, "signed_by": "guardian", "signer": "guardian:rel-4"}}),
    "other_purpose": ("A purpose in the patient's words, for a year", {
        "scope": ["discharge_summary"], "recipient_id": "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "purpose": "other",
        "purpose_detail": "At the request of the patient.", "expires_on": "2027-11-19", "signature": _SIGNED}),
}

# Documented with the view (all_of): what terms_fit_together checks (domain.consents.term_errors).
CONSENT_CREATE_RULES = (
    {"oneOf": [{"required": ["recipient_id"], "properties": _without("recipient_class")},
               {"required": ["recipient_class"], "properties": _without("recipient_id")}]},
    {"oneOf": [{"required": ["expires_on"], "properties": _without("expiry_event")},
               {"required": ["expiry_event"], "properties": _without("expires_on")}]},
    {"anyOf": [{**_only("purpose", [consents.OTHER]), "required": ["purpose", "purpose_detail"]},
               {"properties": {"purpose": {"enum": sorted(consents.TPO_PURPOSES)}, **_without("purpose_detail")}}]},
    {"not": {"allOf": [_only("purpose", [consents.OTHER]), _only("recipient_class", consents.RECIPIENT_CLASSES)]}},
    {"not": {"allOf": [_only("purpose", [consents.OTHER]), _only("expiry_event", [consents.NO_EXPIRY])]}},
)


class ConsentRevocation(Schema):
    revoked_on = ClinicalDate(metadata={
        "description": "The day of the patient's written revocation (§2.31(a)(6)); default the site's today. "
                       "Not before the signature, not after today.", "example": "2026-11-26"})


class ConsentSignatureRecord(Answer):
    signed_by = fields.String(metadata={"example": "patient"})
    signer = fields.String(metadata={"example": "patient"})
    signed_on = fields.Date(metadata={"example": "2026-11-20"})


class ConsentRevocationRecord(Answer):
    revoked_on = fields.Date(metadata={"example": "2026-11-26"})
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(metadata={"description": "Label of the key that recorded the revocation."})


class Consent(Answer):
    id = fields.UUID(attribute="_id", metadata={"example": "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b"})
    patient_id = fields.UUID(metadata={"example": EXAMPLE_ID})
    scope = fields.List(fields.String(), metadata={"example": ["diagnoses", "medications", "referral_packet"]})
    recipient_id = fields.UUID(allow_none=True)
    recipient_class = fields.String(allow_none=True, metadata={"example": "tpo"})
    purpose = fields.String(metadata={"example": "treatment"})
    purpose_detail = fields.String(allow_none=True, metadata={"description": FREE_TEXT})
    expires_on = fields.Date(allow_none=True)
    expiry_event = fields.String(allow_none=True, metadata={"example": "end_of_treatment"})
    signature = fields.Nested(ConsentSignatureRecord)
    status = fields.String(metadata={
        "description": "As of the site's today: `active`; `revoked`; `expired` once past `last_day`. Aftercare "
                       "discloses only under an active consent.", "example": "active"})
    last_day = fields.Date(allow_none=True, metadata={
        "description": "The last day the consent holds as known today: `expires_on`, or the day the treatment ended "
                       "for `end_of_treatment`; null while it has no end."})
    revocation = fields.Nested(ConsentRevocationRecord, allow_none=True)
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(metadata={"description": "Label of the key that recorded the consent."})


class ConsentQuery(Schema):
    status = fields.String(validate=validate.OneOf(consents.STATUSES), metadata={
        "description": "Only consents of this status as of the site's today."})


PHONE = WholeMatch(r"^\+?[0-9 ()-]{3,20}$")


class SafetyPlanContact(Schema):
    name = free_text(200, required=True, metadata={"example": "Sister, Maria"})
    phone = fields.String(validate=PHONE, metadata={"example": "+1 612 555 0142"})


class SafetyPlanDistraction(SafetyPlanContact):
    kind = fields.String(required=True, validate=validate.OneOf(safety_plans.DISTRACTION_KINDS),
                         metadata={"description": "A person, or a social setting (then `name` names the place).",
                                   "example": "person"})


class SafetyPlanProfessional(SafetyPlanContact):
    kind = fields.String(required=True, validate=validate.OneOf(safety_plans.PROFESSIONAL_KINDS),
                         metadata={"example": "clinician"})


class LethalMeansCounselling(Schema):
    means_discussed = fields.List(fields.String(validate=validate.OneOf(safety_plans.MEANS)), required=True,
                                  validate=validate.Length(min=1, max=len(safety_plans.MEANS)),
                                  metadata={"example": ["firearms", "medications"]})
    actions_agreed = fields.List(free_text(500), required=True, validate=LIST_ITEMS, metadata={
        "description": f"What the patient agreed to do; empty when nothing was needed. {FREE_TEXT}",
        "example": ["Brother keeps the rifle locked at his home until the next review.",
                    "Pharmacy blister packs, one week at a time."]})
    counselled_on = ClinicalDate(required=True, metadata={"description": "Not after the site's today.",
                                                          "example": "2026-11-26"})


def _texts(description: str, example: list, at_least: int = 0, **kwargs):
    return fields.List(free_text(500), validate=validate.Length(min=at_least, max=20),
                       metadata={"description": f"{description} {FREE_TEXT}", "example": example}, **kwargs)


def _contacts(schema, description: str):
    return fields.List(fields.Nested(schema), validate=LIST_ITEMS, metadata={"description": description})


class SafetyPlanCreate(Schema):
    """A Stanley-Brown safety plan: the six steps in their order, and what prompted it."""

    enrollment_id = id_field(metadata={"format": "uuid",
                                       "description": "The enrollment of this patient the plan was written in.",
                                       "example": "3f0e8a52-9c1b-4d7a-a1e2-5b6c7d8e9f01"})
    assessment_id = id_field(metadata={"format": "uuid",
                                       "description": "The assessment of this patient that prompted the plan, e.g. "
                                                      "the PHQ-9 that raised `suicidal_ideation`.",
                                       "example": EXAMPLE_ID})
    warning_signs = _texts("Step 1: warning signs that a crisis may be developing.",
                           ["Not sleeping", "Pulling away from friends"], at_least=1, required=True)
    internal_coping_strategies = _texts("Step 2: what the patient can do alone to take their mind off problems.",
                                        ["Walk the dog", "Play the guitar"], at_least=1, required=True)
    social_distractions = _contacts(SafetyPlanDistraction, "Step 3: people and social settings that provide "
                                                           "distraction.")
    people_to_ask_for_help = _contacts(SafetyPlanContact, "Step 4: people the patient can ask for help.")
    professionals_and_agencies = _contacts(SafetyPlanProfessional, "Step 5: professionals and agencies to contact "
                                                                   "in a crisis. The 988 Suicide & Crisis Lifeline "
                                                                   "is added when 988 is not listed.")
    environment_safety = fields.Nested(LethalMeansCounselling, required=True, metadata={
        "description": "Step 6: making the environment safe: the lethal-means counselling."})
    reasons_for_living = _texts("What the patient finds most important and worth living for (optional).",
                                ["My kids"])


class SafetyPlan(SafetyPlanCreate, Answer):
    """A version of the patient's safety plan, as written."""

    id = fields.UUID(attribute="_id", metadata={"example": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"})
    patient_id = fields.UUID(metadata={"example": EXAMPLE_ID})
    enrollment_id = fields.UUID(allow_none=True)
    assessment_id = fields.UUID(allow_none=True)
    version = fields.Integer(attribute="version_number", metadata={
        "description": "1 for the patient's first plan, then n + 1.", "example": 2})
    current = fields.Boolean(metadata={"description": "The latest version: the plan in force.", "example": True})
    created_at = fields.AwareDateTime()
    recorded_by = fields.String(metadata={"description": "Label of the key that recorded the plan."})
