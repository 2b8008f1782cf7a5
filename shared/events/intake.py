"""Payloads of the events the intake service publishes."""
from marshmallow import Schema, fields, validate

from shared.events._fields import code, identifier
from shared.events.codes import LEVELS_OF_CARE, OUTCOMES, RISK_LEVELS
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
    # Added in the second round: the level an instrument that stratifies risk decided (the C-SSRS
    # screener: moderate or high raise the flag); None for a flag without a level (PHQ-9 item 9).
    risk_level = code(load_default=None, allow_none=True, one_of=RISK_LEVELS)


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
    # A provider directory code, an NPI, or the name code of a typed name (shared/provider_names.py):
    # never the name itself.
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


# -- Second round: the episode of care and consent (issue 10, 12). Codes only: ICD-10-CM codes,
# program and level-of-care codes, consent scope codes; never a diagnosis's or consent's text.
class RankedDiagnosis(Schema):
    code = code(required=True)  # ICD-10-CM, e.g. F33.1
    rank = fields.Integer(required=True)  # 1 is the primary diagnosis


class DiagnosesUpdated(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    diagnoses = fields.List(fields.Nested(RankedDiagnosis), required=True)
    primary_code = code(load_default=None, allow_none=True)


diagnoses_updated = EventType("intake.diagnoses.updated", DiagnosesUpdated)


class LevelOfCareChanged(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    previous_program = code(required=True)
    level_of_care = code(load_default=None, allow_none=True)
    previous_level_of_care = code(load_default=None, allow_none=True)
    effective_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)


level_of_care_changed = EventType("intake.level_of_care.changed", LevelOfCareChanged)


class MeasurementOverdue(Schema):
    """A re-measurement the program's cadence asked for (``phq9_every_weeks``) was not recorded by its
    due date; raised once per enrollment, instrument and due date."""

    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    instrument = code(required=True)
    due_date = fields.Date(required=True)


measurement_overdue = EventType("intake.measurement.overdue", MeasurementOverdue)


# Part 2 consents: the codes of the consent contract that are enumerated (intake's API refuses any
# other; services/intake/domain/consents.py holds the scope and purpose codes it accepts).
CONSENT_RECIPIENT_CLASSES: tuple[str, ...] = ("tpo",)
CONSENT_EXPIRY_EVENTS: tuple[str, ...] = ("end_of_treatment", "none")


class _Consent(Schema):
    consent_id = identifier(required=True)
    patient_id = identifier(required=True)
    # What may be disclosed, to whom and why, as codes (e.g. "treatment", "provider:<id>", "tpo").
    scope = fields.List(code(), required=True)
    recipient_id = identifier(load_default=None, allow_none=True)
    purpose = code(required=True)
    expires_on = fields.Date(load_default=None, allow_none=True)
    # Added with intake's consents (issue 12.1). A consent names either one recipient (recipient_id,
    # a provider of aftercare's directory) or a class of recipients (recipient_class "tpo": the 2024
    # rule's single consent for treatment, payment and health care operations). It ends on
    # expires_on (its last day) or at an event: "end_of_treatment" (the patient's treatment at the
    # site ends; intake then answers the consent as expired) or "none" (a TPO consent may have none).
    recipient_class = code(load_default=None, allow_none=True, one_of=CONSENT_RECIPIENT_CLASSES)
    expiry_event = code(load_default=None, allow_none=True, one_of=CONSENT_EXPIRY_EVENTS)


class ConsentGranted(_Consent):
    pass


consent_granted = EventType("intake.consent.granted", ConsentGranted)


class ConsentRevoked(_Consent):
    revoked_on = fields.Date(required=True)


consent_revoked = EventType("intake.consent.revoked", ConsentRevoked)


# Safety plans (issue 10.7): a Stanley-Brown safety plan was written, as version ``version`` of the
# patient's plan; ids only, the plan's text stays in intake (GET /intake/v1/safety-plans/{id}).
class SafetyPlanRecorded(Schema):
    safety_plan_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    # The assessment that prompted the plan (e.g. the PHQ-9 that raised intake.risk.flagged), if named.
    assessment_id = identifier(load_default=None, allow_none=True)


safety_plan_recorded = EventType("intake.safety_plan.recorded", SafetyPlanRecorded)
