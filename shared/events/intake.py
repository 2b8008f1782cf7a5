"""Payloads of the events the intake service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.codes import LEVELS_OF_CARE, OUTCOMES
from shared.events.registry import EventType


class PatientRegistered(Schema):
    patient_id = identifier(required=True)


patient_registered = EventType("intake.patient.registered", PatientRegistered)


class AssessmentRecorded(Schema):
    assessment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    instrument = code(required=True)
    total_score = fields.Integer(required=True)
    severity = code(required=True)
    risk_flags = fields.List(code(), required=True)


assessment_recorded = EventType("intake.assessment.recorded", AssessmentRecorded)


class RiskFlagged(Schema):
    assessment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    instrument = code(required=True)
    risk_flags = fields.List(code(), required=True)


risk_flagged = EventType("intake.risk.flagged", RiskFlagged)


class EnrollmentAdmitted(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    level_of_care = code(load_default=None, allow_none=True)
    start_date = fields.Date(required=True)
    planned_weeks = fields.Integer(required=True)
    planned_end_date = fields.Date(required=True)
    group_id = identifier(load_default=None, allow_none=True)


enrollment_admitted = EventType("intake.enrollment.admitted", EnrollmentAdmitted)


class EnrollmentLengthChanged(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    planned_weeks = fields.Integer(required=True)
    planned_end_date = fields.Date(required=True)
    previous_planned_end_date = fields.Date(required=True)


enrollment_length_changed = EventType("intake.enrollment.length_changed", EnrollmentLengthChanged)


class StepDown(Schema):
    level_of_care = code(required=True, one_of=LEVELS_OF_CARE)
    # A provider directory code or NPI, never a person's name.
    provider_id = code(load_default=None, allow_none=True)


class _Discharge(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    start_date = fields.Date(required=True)
    discharge_date = fields.Date(required=True)
    outcome = code(required=True, one_of=OUTCOMES)
    step_down = fields.Nested(StepDown, load_default=None, allow_none=True)


class EnrollmentCompleted(_Discharge):
    pass


enrollment_completed = EventType("intake.enrollment.completed", EnrollmentCompleted)


class EnrollmentDischarged(_Discharge):
    pass


enrollment_discharged = EventType("intake.enrollment.discharged", EnrollmentDischarged)


# Referrals. The referral's reason and the referred person's details stay in intake: only ids
# and codes travel.
class ReferralReceived(Schema):
    referral_id = identifier(required=True)
    source = code(required=True)
    urgency = code(required=True)
    patient_id = identifier(load_default=None, allow_none=True)  # set when an existing patient is referred


referral_received = EventType("intake.referral.received", ReferralReceived)


class ReferralUpdated(Schema):
    referral_id = identifier(required=True)
    status = code(required=True)
    previous_status = code(required=True)
    urgency = code(required=True)
    patient_id = identifier(load_default=None, allow_none=True)  # known from acceptance on
    enrollment_id = identifier(load_default=None, allow_none=True)  # set on admission


referral_updated = EventType("intake.referral.updated", ReferralUpdated)
