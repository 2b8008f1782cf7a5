"""Request and answer schemas of the treatment API; the OpenAPI spec is built from these.

Request schemas check every field on its own (types, allowed values, lengths, token shapes) and
answer 422 field by field; the domain keeps the rules that need the stored plan or note (ids of
this plan, diagnoses of this enrollment, sections of this form, what a signature needs).
"""
from marshmallow import Schema, fields, validate

from services.treatment.domain.notes import FORMATS, KINDS
from services.treatment.domain.notes import STATUSES as NOTE_STATUSES
from services.treatment.domain.plans import MODALITIES, PROGRESS, SIGNER_ROLES
from services.treatment.domain.plans import STATUSES as PLAN_STATUSES
from shared.http.fields import Answer, ClinicalDate, ClinicalInstant, Text, Uuid

# Ids, codes and signer identifiers: tokens, never prose (a signer is a staff id or "patient", not a name).
TOKEN = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$", error="Must be an identifier: 1 to 64 letters, digits, _ . : -")
ICD_10_CM = validate.Regexp(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$", error="Must be an ICD-10-CM code.")
SHORT_TEXT, LONG_TEXT, NOTE_TEXT = 500, 4000, 20000
MAX_ITEMS = 50


class _Written(Text):
    """Shared ``Text`` where, in an optional field, an empty string also counts as not written."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "" and self.blank_is_absent:
            return None
        return super()._deserialize(value, attr, data, **kwargs)


def written(*, max_length: int = SHORT_TEXT, **kwargs) -> Text:
    """Text a clinician writes (lines allowed), kept without its surrounding spaces; spaces alone
    count as not written where the field is optional, and are refused where it is required."""
    return _Written(max_length=max_length, one_line=False, blank_is_absent=bool(kwargs.get("allow_none")), **kwargs)


def _items(nested, **kwargs):
    return fields.List(fields.Nested(nested), validate=validate.Length(max=MAX_ITEMS), **kwargs)


def _signer(**kwargs):
    return fields.String(validate=TOKEN, metadata={
        "description": "Who signs, as the front-end identifies them: a staff id, or `patient` / `guardian`. "
                       "Never a name.", "example": "staff-0042"}, **kwargs)


# --- plans: requests ---------------------------------------------------------------------------

class ObjectiveIn(Schema):
    id = fields.String(validate=TOKEN, metadata={
        "format": "uuid", "description": "Keep this objective of the draft (and its progress); leave out for a new one."})
    description = written(max_length=LONG_TEXT, allow_none=True, load_default=None,
                       metadata={"example": "Uses one coping skill from the group when anxious, 5 days in 7"})
    target_date = ClinicalDate(allow_none=True, load_default=None, metadata={"example": "2026-12-15"})
    measure = written(allow_none=True, load_default=None, metadata={
        "description": "How progress is measured.", "example": "self-report diary reviewed weekly; GAD-7 below 10"})


class GoalIn(Schema):
    id = fields.String(validate=TOKEN, metadata={
        "format": "uuid", "description": "Keep this goal of the draft; leave out for a new one."})
    description = written(max_length=LONG_TEXT, allow_none=True, load_default=None,
                       metadata={"example": "Manage anxiety without avoidance"})
    objectives = _items(ObjectiveIn, load_default=list)


class ProblemIn(Schema):
    id = fields.String(validate=TOKEN, metadata={
        "format": "uuid", "description": "Keep this problem of the draft; leave out for a new one."})
    description = written(max_length=LONG_TEXT, allow_none=True, load_default=None,
                       metadata={"example": "Panic attacks keep the patient from work"})
    diagnosis_code = fields.String(allow_none=True, load_default=None, validate=ICD_10_CM, metadata={
        "description": "One of the enrollment's ICD-10-CM codes as intake reported them.", "example": "F41.1"})
    goals = _items(GoalIn, load_default=list)


class InterventionIn(Schema):
    id = fields.String(validate=TOKEN, metadata={
        "format": "uuid", "description": "Keep this intervention; leave out for a new one."})
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES), metadata={"example": "group"})
    description = written(max_length=LONG_TEXT, allow_none=True, load_default=None,
                       metadata={"example": "CBT skills group"})
    frequency = written(required=True, metadata={"example": "3 times a week"})
    responsible_role = fields.String(required=True, validate=TOKEN, metadata={"example": "group_facilitator"})


class PlanCreate(Schema):
    enrollment_id = fields.String(required=True, validate=TOKEN, metadata={
        "format": "uuid",
        "description": "An enrollment of the caller's site as intake admitted it. One admitted a moment ago may "
                       "not be known to treatment yet (422 on enrollment_id): retry shortly."})


class PlanContent(Schema):
    problems = _items(ProblemIn, required=True)
    interventions = _items(InterventionIn, required=True)


class SignatureCreate(Schema):
    role = fields.String(required=True, validate=validate.OneOf(SIGNER_ROLES), metadata={"example": "clinician"})
    signer = _signer(required=True)


class ProgressIn(Schema):
    objective_id = fields.String(required=True, validate=TOKEN, metadata={"format": "uuid"})
    status = fields.String(required=True, validate=validate.OneOf(PROGRESS), metadata={"example": "progressing"})
    comment = written(max_length=LONG_TEXT, allow_none=True, load_default=None)


class ReviewCreate(Schema):
    progress = fields.List(fields.Nested(ProgressIn), required=True, validate=validate.Length(max=MAX_ITEMS * 4),
                           metadata={"description": "Every objective not yet met or discontinued, once."})
    reviewed_on = ClinicalDate(metadata={"description": "Default: today at the site."})
    next_review_date = ClinicalDate(metadata={
        "description": "Default and latest: the site's review interval (30 days) after the review."})
    reviewer = _signer()


class PlanQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))


# --- plans: answers ----------------------------------------------------------------------------

class Objective(Answer):
    id = fields.UUID()
    description = fields.String(allow_none=True)
    target_date = ClinicalDate(allow_none=True)
    measure = fields.String(allow_none=True)
    progress = fields.String(allow_none=True, metadata={"description": "As the last review recorded it: met, "
                                                                       "progressing, not_met, discontinued; null before."})
    progress_on = ClinicalDate(allow_none=True)


class Goal(Answer):
    id = fields.UUID()
    description = fields.String(allow_none=True)
    objectives = fields.List(fields.Nested(Objective))


class PlanProblem(Answer):
    id = fields.UUID()
    description = fields.String(allow_none=True)
    diagnosis_code = fields.String(allow_none=True)
    goals = fields.List(fields.Nested(Goal))


class Intervention(Answer):
    id = fields.UUID()
    modality = fields.String()
    description = fields.String(allow_none=True)
    frequency = fields.String()
    responsible_role = fields.String()


class Signature(Answer):
    role = fields.String()
    signer = fields.String()
    signed_at = ClinicalInstant()
    recorded_by = fields.String(metadata={"description": "Label of the key that recorded the signature."})


class ReviewProgress(Answer):
    objective_id = fields.UUID()
    status = fields.String()
    comment = fields.String(allow_none=True)


class Review(Answer):
    id = fields.UUID()
    reviewed_on = ClinicalDate()
    reviewed_at = ClinicalInstant()
    recorded_by = fields.String()
    reviewer = fields.String(allow_none=True)
    progress = fields.List(fields.Nested(ReviewProgress))
    next_review_date = ClinicalDate()


class Plan(Answer):
    id = fields.UUID(attribute="_id")
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    program = fields.String(allow_none=True)
    version = fields.Integer(attribute="plan_version", metadata={"description": "1 for the first plan, then one more per revision."})
    status = fields.String(metadata={"description": "draft, active (in force) or superseded"})
    previous_version_id = fields.UUID(allow_none=True)
    required_signatures = fields.List(fields.String(), metadata={"example": ["clinician", "patient"]})
    signatures = fields.List(fields.Nested(Signature))
    problems = fields.List(fields.Nested(PlanProblem))
    interventions = fields.List(fields.Nested(Intervention))
    created_at = ClinicalInstant()
    created_by = fields.String()
    updated_at = ClinicalInstant()
    activated_at = ClinicalInstant(allow_none=True)
    effective_date = ClinicalDate(allow_none=True, metadata={"description": "The site day it became active."})
    next_review_date = ClinicalDate(allow_none=True, metadata={
        "description": "The earliest of the regular review and any level-of-care change since the plan took effect."})
    level_of_care_reviews = fields.List(ClinicalDate(), metadata={
        "description": "Effective days of level-of-care changes still waiting for their review."})
    reviews = fields.List(fields.Nested(Review))
    superseded_at = ClinicalInstant(allow_none=True)
    superseded_by = fields.String(allow_none=True)


# --- notes -------------------------------------------------------------------------------------

_SECTIONS = "; ".join(f"{name}: {', '.join(sections)}" for name, sections in FORMATS.items())


class NoteEdit(Schema):
    format = fields.String(required=True, validate=validate.OneOf(tuple(FORMATS)), metadata={"example": "DAP"})
    sections = fields.Dict(keys=fields.String(validate=TOKEN), values=written(max_length=NOTE_TEXT, allow_none=True),
                           required=True, validate=validate.Length(max=8), metadata={
                               "description": f"Text by section of the form ({_SECTIONS}); a section left out or "
                                              "null is still to be written.",
                               "example": {"data": "Attended on time; described two panic episodes this week.",
                                           "assessment": "Anxiety lower than at intake.",
                                           "plan": "Continue exposure hierarchy; review diary next session."}})
    objective_ids = fields.List(fields.String(validate=TOKEN, metadata={"format": "uuid"}), load_default=list,
                                validate=validate.Length(max=MAX_ITEMS),
                                metadata={"description": "Objectives of the enrollment's treatment plan this "
                                                         "session addressed."})


class NoteSign(Schema):
    signer = _signer(required=True)


class AddendumCreate(Schema):
    text = written(max_length=NOTE_TEXT, required=True, metadata={"example": "Correction: the session lasted 50 minutes."})
    signer = _signer(required=True)


class Addendum(Answer):
    id = fields.UUID()
    text = fields.String()
    signer = fields.String()
    signed_at = ClinicalInstant()
    recorded_by = fields.String()


class Note(Answer):
    id = fields.UUID(attribute="_id")
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    session_id = fields.UUID()
    kind = fields.String(metadata={"description": ", ".join(KINDS)})
    author_role = fields.String(metadata={"example": "clinician"})
    format = fields.String(metadata={"description": ", ".join(FORMATS)})
    sections = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    objective_ids = fields.List(fields.UUID())
    group_session_id = fields.UUID(allow_none=True, metadata={"description": "The group meeting whose narrative "
                                                                              "this note shares."})
    group_narrative = fields.String(allow_none=True, metadata={
        "description": "The group meeting's narrative: as it is now for a draft, as signed for a signed note."})
    status = fields.String(metadata={"description": "draft, signed (locked) or void (the patient was not present)"})
    session_starts_at = ClinicalInstant()
    due_at = ClinicalInstant(metadata={"description": "The session's start plus the site's note_signing_hours."})
    created_at = ClinicalInstant()
    updated_at = ClinicalInstant()
    updated_by = fields.String(allow_none=True)
    signed_at = ClinicalInstant(allow_none=True)
    signed_by = fields.String(allow_none=True)
    late_entry = fields.Boolean(allow_none=True, metadata={"description": "Signed after it was due."})
    overdue_raised_at = ClinicalInstant(allow_none=True)
    addenda = fields.List(fields.Nested(Addendum))


class NoteQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()
    session_id = Uuid()
    group_session_id = Uuid()
    status = fields.String(validate=validate.OneOf(NOTE_STATUSES), metadata={
        "description": "Without it, draft and signed notes; `void` lists the notes of sessions not attended."})
    kind = fields.String(validate=validate.OneOf(KINDS))


class GroupNarrative(Schema):
    narrative = written(max_length=NOTE_TEXT, required=True, metadata={
        "example": "Topic: cognitive distortions. Six members attended; worked through thought records in pairs."})


class GroupSession(Answer):
    id = fields.UUID(attribute="_id")
    group_id = fields.UUID()
    starts_at = ClinicalInstant()
    kind = fields.String()
    narrative = fields.String(allow_none=True)
    note_ids = fields.List(fields.UUID(), metadata={"description": "The attendees' notes."})
    updated_at = ClinicalInstant()
    updated_by = fields.String(allow_none=True)


class GroupSessionQuery(Schema):
    group_id = Uuid()


# --- discharge summaries ----------------------------------------------------------------------

class SummaryProblem(Answer):
    id = fields.UUID()
    description = fields.String(allow_none=True)
    diagnosis_code = fields.String(allow_none=True)


class SummaryObjective(Answer):
    objective_id = fields.UUID()
    problem_id = fields.UUID()
    goal_id = fields.UUID()
    description = fields.String(allow_none=True)
    target_date = ClinicalDate(allow_none=True)
    measure = fields.String(allow_none=True)
    progress = fields.String(allow_none=True)


class DischargeSummary(Answer):
    id = fields.UUID(attribute="_id")
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    outcome = fields.String()
    discharge_date = ClinicalDate()
    status = fields.String(metadata={"description": "draft"})
    plan_id = fields.UUID(allow_none=True)
    plan_version = fields.Integer(allow_none=True)
    plan_status = fields.String(allow_none=True, metadata={"description": "active, or draft when none was signed"})
    problems = fields.List(fields.Nested(SummaryProblem))
    objectives = fields.List(fields.Nested(SummaryObjective))
    met_objective_ids = fields.List(fields.UUID())
    unmet_objective_ids = fields.List(fields.UUID(), metadata={
        "description": "Progressing, not met or never reviewed: carried over by aftercare."})
    discontinued_objective_ids = fields.List(fields.UUID())
    signed_note_count = fields.Integer()
    created_at = ClinicalInstant()


class SummaryQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()
