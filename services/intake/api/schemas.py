"""Request and answer schemas of the intake API; the OpenAPI spec is built from these."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.intake.domain.enrollments import OUTCOMES, PROGRAM_CODES
from shared.http.fields import StoredDate

NAME = validate.Length(min=1, max=100)


class PatientCreate(Schema):
    mrn = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9-]{1,32}$"),
                        metadata={"description": "Medical record number, unique at the site.", "example": "MRN-1001"})
    given_name = fields.String(required=True, validate=NAME, metadata={"example": "Alex"})
    family_name = fields.String(required=True, validate=NAME, metadata={"example": "Rivera"})
    birth_date = fields.Date(required=True, metadata={"example": "1990-04-12"})
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9 ()-]{7,20}$"), metadata={"example": "+1 612 555 0100"})
    email = fields.Email(metadata={"example": "alex@example.org"})

    @validates("birth_date")
    def birth_date_in_the_past(self, value: date, **kwargs):
        if value > date.today() or value.year < 1900:
            raise ValidationError("Must be a date between 1900-01-01 and today.")


class PatientUpdate(PatientCreate):
    class Meta:
        partial = True


class Patient(Schema):
    id = fields.String(attribute="_id", metadata={"example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})
    mrn = fields.String()
    given_name = fields.String()
    family_name = fields.String()
    birth_date = StoredDate()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class PatientQuery(Schema):
    mrn = fields.String(metadata={"description": "Exact MRN."})
    name = fields.String(validate=validate.Length(min=1, max=100),
                         metadata={"description": "Prefix of the family name, case-insensitive."})


class StepDown(Schema):
    level_of_care = fields.String(required=True, validate=validate.OneOf(
        ["outpatient_therapy", "psychiatry", "php", "residential", "mat", "peer_support", "primary_care", "other"]),
        metadata={"example": "outpatient_therapy"})
    provider = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$"),
                             metadata={"description": "Provider directory code or NPI (not a person's name).",
                                       "example": "npi:1234567893"})


class EnrollmentCreate(Schema):
    patient_id = fields.String(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAM_CODES), metadata={"example": "mh-adult"})
    start_date = fields.Date(required=True, metadata={"example": "2026-11-30"})
    planned_weeks = fields.Integer(strict=True, metadata={"description": "Default from the program.", "example": 8})
    group_id = fields.String(metadata={"description": "Scheduling group the patient joins."})
    level_of_care = fields.String(validate=validate.Length(min=1, max=16),
                                  metadata={"description": "ASAM level; default from the program.", "example": "2.1"})


class Discharge(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={"example": "completed"})
    discharge_date = fields.Date(required=True, metadata={"example": "2027-01-24"})
    step_down = fields.Nested(StepDown)
    notes = fields.String(validate=validate.Length(max=4000),
                          metadata={"description": "Clinical note; stays in intake, never travels in events."})


class LengthChange(Schema):
    planned_weeks = fields.Integer(required=True, strict=True, metadata={"example": 10})
    reason = fields.String(validate=validate.Length(min=1, max=500))


class StatusChange(Schema):
    at = fields.AwareDateTime()
    by = fields.String()
    from_status = fields.String(data_key="from", attribute="from")
    to = fields.String()


class DischargeRecord(Schema):
    date = StoredDate()
    step_down = fields.Nested(StepDown, allow_none=True)
    notes = fields.String(allow_none=True)


class Enrollment(Schema):
    id = fields.String(attribute="_id")
    patient_id = fields.String()
    program = fields.String()
    level_of_care = fields.String()
    start_date = StoredDate()
    planned_weeks = fields.Integer()
    planned_end_date = StoredDate()
    group_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "active, completed or discharged"})
    outcome = fields.String(allow_none=True)
    discharge = fields.Nested(DischargeRecord, allow_none=True)
    status_history = fields.List(fields.Nested(StatusChange))
    created_at = fields.AwareDateTime()


class EnrollmentQuery(Schema):
    patient_id = fields.String()
    status = fields.String(validate=validate.OneOf(["active", "completed", "discharged"]))
    program = fields.String()
