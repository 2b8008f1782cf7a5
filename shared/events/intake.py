"""Payloads of the events the intake service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.registry import event_schema


@event_schema("intake.patient.registered")
class PatientRegistered(Schema):
    patient_id = identifier(required=True)


@event_schema("intake.assessment.recorded")
class AssessmentRecorded(Schema):
    assessment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    instrument = code(required=True)
    total_score = fields.Integer(required=True)
    severity = code(required=True)
    risk_flags = fields.List(code(), required=True)


@event_schema("intake.risk.flagged")
class RiskFlagged(Schema):
    assessment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    instrument = code(required=True)
    risk_flags = fields.List(code(), required=True)


@event_schema("intake.enrollment.admitted")
class EnrollmentAdmitted(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    level_of_care = code(load_default=None, allow_none=True)
    start_date = fields.Date(required=True)
    planned_weeks = fields.Integer(required=True)
    planned_end_date = fields.Date(required=True)
    group_id = identifier(load_default=None, allow_none=True)


@event_schema("intake.enrollment.length_changed")
class EnrollmentLengthChanged(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    planned_weeks = fields.Integer(required=True)
    planned_end_date = fields.Date(required=True)
    previous_planned_end_date = fields.Date(required=True)


class StepDown(Schema):
    level_of_care = code(required=True)
    # A provider directory code or NPI, never a person's name.
    provider_id = code(load_default=None, allow_none=True)


class _Discharge(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    start_date = fields.Date(required=True)
    discharge_date = fields.Date(required=True)
    outcome = code(required=True)
    step_down = fields.Nested(StepDown, load_default=None, allow_none=True)


@event_schema("intake.enrollment.completed")
class EnrollmentCompleted(_Discharge):
    pass


@event_schema("intake.enrollment.discharged")
class EnrollmentDischarged(_Discharge):
    pass


# Referrals. The referral's reason and the referred person's details stay in intake: only ids
# and codes travel.
@event_schema("intake.referral.received")
class ReferralReceived(Schema):
    referral_id = identifier(required=True)
    source = code(required=True)
    urgency = code(required=True)
    patient_id = identifier(load_default=None, allow_none=True)  # set when an existing patient is referred


@event_schema("intake.referral.updated")
class ReferralUpdated(Schema):
    referral_id = identifier(required=True)
    status = code(required=True)
    previous_status = code(required=True)
    urgency = code(required=True)
    patient_id = identifier(load_default=None, allow_none=True)  # known from acceptance on
    enrollment_id = identifier(load_default=None, allow_none=True)  # set on admission
