"""Answer and request schemas of the aftercare API; the OpenAPI spec is built from these.

Request dates are bounded (``ClinicalDate``); answer schemas use plain date and instant fields:
what is answered was stored, and is not bounded like a request.
"""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.aftercare.domain.follow_up import VISIT_KINDS
from services.aftercare.domain.packet import VIEWS as PACKET_VIEWS
from services.aftercare.domain.providers import needs_details as provider_needs_details
from services.aftercare.domain.referrals import STATUSES as REFERRAL_STATUSES
from services.aftercare.domain.tasks import STATUSES as TASK_STATUSES
from services.aftercare.domain.tasks import TASK_KINDS
from shared.events.codes import LEVELS_OF_CARE
from shared.http.fields import SOMETIMES_ABSENT, Answer, ClinicalDate, Uuid


class WholeMatch(validate.Regexp):
    """A pattern the whole value must match: with ``re.match`` (``Regexp``), ``$`` also matches
    before a final newline, so a code followed by a newline passed; the spec's pattern (ECMA) refuses
    it, and so does this."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


CODE = WholeMatch(r"^[A-Za-z0-9_.:-]{1,64}$", error="Must be a code of letters, digits and _.:- (at most 64).")
NOTE = validate.Length(min=1, max=2000)
# A character the hardening gate lets through in text, and one of them that is more than white
# space (Python's str.isspace, and the byte-order mark): written out, so that Python and the spec's
# pattern (ECMA) read the class alike. A reason must say something: the domain refuses a blank one.
_TEXT = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]"
_VISIBLE = "[^\\u0000-\\u0020\\u007F\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]"
NOT_BLANK = WholeMatch(f"^{_TEXT}*{_VISIBLE}{_TEXT}*$", error="Must hold more than white space.")
REASON = [NOTE, NOT_BLANK]


class StoredMap(fields.Dict):
    """A free-form map (a task's source and content) answered with its days as ``YYYY-MM-DD``, as
    every other day is (Flask's own JSON would write a day as an HTTP date)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return {key: item.isoformat() if isinstance(item, date) else item for key, item in value.items()}


class HistoryEntry(Answer):
    at = fields.AwareDateTime()
    by = fields.String(metadata={"description": "Label of the key that made the change, or 'aftercare' for an event."})
    from_status = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    # What else a change carries depends on it: left out when it has nothing to say.
    note = fields.String(allow_none=True, metadata={SOMETIMES_ABSENT: True})
    reason = fields.String(allow_none=True, metadata={SOMETIMES_ABSENT: True})
    assignee = fields.String(allow_none=True, metadata={SOMETIMES_ABSENT: True})


class Appointment(Answer):
    id = fields.UUID()
    starts_at = fields.AwareDateTime()
    late = fields.Boolean(metadata={"description": "Booked after the 7-day window because no slot fitted inside it."})


class RiskAssessment(Answer):
    assessment_id = fields.UUID(metadata={"description": "intake's assessment that recorded the level."})
    instrument = fields.String(metadata={"example": "C-SSRS"})
    risk_level = fields.String(metadata={"description": "The C-SSRS screener's triage: none, low, moderate or high.",
                                         "example": "moderate"})
    screened_on = fields.Date(metadata={"description": "The site's day of the screen."})


class SafetyPlanReference(Answer):
    safety_plan_id = fields.UUID(metadata={"description": "The version's id: GET /intake/v1/safety-plans/{id}.",
                                             "example": "3f2a9c1e-8b7d-4e6f-a5c4-2d1e0f9b8a71"})
    version = fields.Integer(metadata={"example": 2})
    recorded_on = fields.Date(metadata={"description": "The site's day the version was written."})


class Task(Answer):
    id = fields.UUID(attribute="_id")
    plan_id = fields.UUID(allow_none=True, metadata={"description": "Null for a task raised before any plan."})
    enrollment_id = fields.UUID(allow_none=True)
    patient_id = fields.UUID()
    kind = fields.String(metadata={"example": "follow_up_appointment"})
    owner_role = fields.String(metadata={"example": "case_manager"})
    due_date = fields.Date()
    status = fields.String(metadata={"description": "open, assigned, completed or cancelled"})
    assignee = fields.String(allow_none=True)
    content = StoredMap(metadata={SOMETIMES_ABSENT: True,
                                  "description": "What the task asks for, e.g. the relapse-prevention sections."})
    source = StoredMap(allow_none=True, metadata={"description": "What raised the task: an event, a referral, a plan "
                                                                 "window; days in it are YYYY-MM-DD."})
    appointment = fields.Nested(Appointment, allow_none=True, metadata={
        SOMETIMES_ABSENT: True, "description": "The follow-up appointment booked for this task."})
    attended_on = fields.Date(metadata={SOMETIMES_ABSENT: True,
                                        "description": "Day of the attended visit that met the follow-up."})
    reconciliation_id = fields.UUID(metadata={
        SOMETIMES_ABSENT: True, "description": "The medication reconciliation that closed the handoff."})
    risk_assessment = fields.Nested(RiskAssessment, metadata={
        SOMETIMES_ABSENT: True,
        "description": "A completed safety_screening: the risk level it was completed on (recorded on or after its screen)."})
    safety_plan = fields.Nested(SafetyPlanReference, metadata={
        SOMETIMES_ABSENT: True,
        "description": "A completed safety_screening: the safety plan version it was completed on."})
    created_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntry))


class SentDisclosure(Answer):
    consent_id = fields.UUID(allow_none=True, metadata={"description": "The Part 2 consent the sending relied on."})
    part2 = fields.Boolean(metadata={"description": "The records are a substance-use program's (42 CFR Part 2)."})
    disclosure_id = fields.UUID(metadata={"description": "Its entry in the accounting of disclosures."})
    recorded = fields.Boolean()


class Referral(Answer):
    id = fields.UUID(attribute="_id")
    plan_id = fields.UUID()
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    program = fields.String(allow_none=True, metadata={"description": "The program whose records the referral discloses."})
    level_of_care = fields.String(metadata={"example": "outpatient_therapy"})
    provider_id = fields.UUID(allow_none=True, metadata={"description": "The receiving provider in the site's "
                                                                          "directory (GET /providers/{id})."})
    provider = fields.String(allow_none=True, metadata={"description": "What the provider was named by when the "
                                                                       "referral was made: a directory id, an NPI code, "
                                                                       "a typed name, or a typed name's name code "
                                                                       "(`name:…`, from a discharge)."})
    sent_disclosure = fields.Nested(SentDisclosure, metadata={SOMETIMES_ABSENT: True,
                                                              "description": "Set when the referral was sent."})
    status = fields.String(metadata={"description": "created, sent, accepted, scheduled, completed, declined or cancelled"})
    # Each of these is set by the step that gives it, and left out until then.
    decline_reason = fields.String(metadata={SOMETIMES_ABSENT: True})
    re_referral_task_id = fields.UUID(metadata={SOMETIMES_ABSENT: True,
                                                "description": "The task opened when the referral was declined."})
    referral_follow_up_task_id = fields.UUID(metadata={SOMETIMES_ABSENT: True,
                                                       "description": "The task opened when acceptance was late."})
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    accepted_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    scheduled_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    completed_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    declined_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    cancelled_at = fields.AwareDateTime(metadata={SOMETIMES_ABSENT: True})
    history = fields.List(fields.Nested(HistoryEntry))


class Visit(Answer):
    on = fields.Date()
    source = fields.String(metadata={"description": "appointment (attended follow-up), referral (completed by the "
                                                    "receiving provider) or staff (recorded on the plan)"})
    id = fields.UUID(metadata={"description": "The appointment, referral or recorded visit."})
    kind = fields.String(metadata={SOMETIMES_ABSENT: True, "description": "Only for a visit staff recorded."})
    provider_id = fields.UUID(allow_none=True, metadata={SOMETIMES_ABSENT: True,
                                                         "description": "Only for a visit staff recorded."})


class FollowUp(Answer):
    appointment_id = fields.UUID(allow_none=True)
    starts_at = fields.AwareDateTime(allow_none=True)
    late = fields.Boolean()
    due_date = fields.Date(allow_none=True, metadata={"description": "The booked follow-up's day."})
    visits = fields.List(fields.Date(), metadata={"description": "Days of follow-up visits, from every source."})
    visit_log = fields.List(fields.Nested(Visit), metadata={"description": "Every follow-up visit and where it is known from."})
    met_on = fields.Date(allow_none=True, metadata={"description": "First attended visit after the discharge day."})
    within_7 = fields.Boolean(allow_none=True, metadata={"description": "Met within 7 days; null while the window is open."})
    within_30 = fields.Boolean(allow_none=True, metadata={"description": "Met within 30 days; null while the window is open."})
    overdue = fields.Dict(keys=fields.String(), values=fields.Date(),
                          metadata={"description": "Windows raised as overdue (\"7\", \"30\") and their due dates."})


class DischargeSummaryReference(Answer):
    summary_id = fields.UUID(metadata={"description": "treatment's discharge summary (GET /treatment/v1/discharge-summaries/{id})."})
    treatment_plan_id = fields.UUID(allow_none=True)
    objectives_met = fields.Integer()
    objectives_not_met = fields.Integer()


class Goal(Answer):
    objective_id = fields.UUID(metadata={"description": "A treatment plan objective the discharge summary left "
                                                          "unmet; its text is in the referral packet (read from treatment)."})
    source = fields.String(metadata={"example": "treatment_discharge_summary"})


class ConsentStatus(Answer):
    consent_id = fields.UUID()
    status = fields.String(metadata={"description": "active, expired, revoked, or pending (its revocation arrived first)"})
    scope = fields.List(fields.String())
    recipient_id = fields.UUID(allow_none=True, metadata={"description": "A provider of the directory, or null for "
                                                                           "a class of recipients."})
    recipient_class = fields.String(allow_none=True, metadata={"description": "tpo: the 2024 rule's single consent "
                                                                              "for treatment, payment and operations."})
    purpose = fields.String()
    expires_on = fields.Date(allow_none=True)
    expiry_event = fields.String(allow_none=True, metadata={"description": "end_of_treatment or none."})
    revoked_on = fields.Date(allow_none=True)


class Plan(Answer):
    id = fields.UUID(attribute="_id")
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    program = fields.String()
    outcome = fields.String()
    discharge_date = fields.Date()
    step_down_level_of_care = fields.String(allow_none=True)
    template = fields.String(metadata={"description": "step_down after completion, transfer after a transfer, closing "
                                                      "after a death, re_engagement otherwise, or a site's own."})
    status = fields.String()
    follow_up = fields.Nested(FollowUp)
    follow_up_exclusion = fields.String(allow_none=True, metadata={
        "description": "Why the discharge is left out of the iop_follow_up denominator: death or "
                       "transfer_to_higher_level; null when it counts."})
    discharge_summary = fields.Nested(DischargeSummaryReference, allow_none=True)
    goals = fields.List(fields.Nested(Goal), metadata={"description": "Unmet treatment objectives carried over."})
    consents = fields.List(fields.Nested(ConsentStatus), metadata={
        "description": "The patient's Part 2 consents as intake reported them."})
    tasks = fields.List(fields.Nested(Task))
    referrals = fields.List(fields.Nested(Referral))
    safety_plan = fields.Nested(SafetyPlanReference, allow_none=True, metadata={
        "description": "The patient's current Stanley-Brown safety plan (the highest version intake reported, "
                       "whenever it arrived); null when none was written."})
    suicide_risk = fields.Nested(RiskAssessment, allow_none=True, metadata={
        "description": "The latest suicide-risk level recorded for the patient (a C-SSRS screen); null when none."})
    created_at = fields.AwareDateTime()


class PlanQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()


class TaskQuery(Schema):
    enrollment_id = Uuid()
    patient_id = Uuid()
    kind = fields.String(validate=validate.OneOf(TASK_KINDS))
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    due_before = ClinicalDate(metadata={"description": "Only tasks due strictly before this day."})


class TaskCompletion(Schema):
    note = fields.String(validate=NOTE)


class TaskAssignment(Schema):
    assignee = fields.String(required=True, validate=CODE,
                             metadata={"description": "Staff id (never a name).", "example": "staff:cm-17"})


class TaskReopening(Schema):
    reason = fields.String(required=True, validate=REASON)


class ReferralQuery(Schema):
    plan_id = Uuid()
    status = fields.String(validate=validate.OneOf(REFERRAL_STATUSES))


class ReferralCreate(Schema):
    plan_id = fields.String(required=True, metadata={"format": "uuid"})
    level_of_care = fields.String(required=True, validate=validate.OneOf(LEVELS_OF_CARE),
                                  metadata={"example": "psychiatry"})
    provider_id = fields.String(validate=CODE, metadata={"format": "uuid",
                                                        "description": "A provider of the site's directory.",
                                                         "example": "0d9c4e55-7d0a-4a53-9d5e-3b8f2f6c1a20"})
    provider_name = fields.String(validate=[validate.Length(min=1, max=200), NOT_BLANK], metadata={
        "description": "A name typed by a clinician: the directory entry of that name (case, accents, punctuation "
                       "and spacing ignored), or a new entry of the directory.", "example": "Lakeside Counseling"})
    provider = fields.String(validate=[validate.Length(min=1, max=200), NOT_BLANK], metadata={
        "description": "Older form: a directory id, an NPI code (npi:1234567893) or a name, resolved like "
                       "`provider_name`.", "example": "npi:1234567893"})

    @validates_schema
    def one_provider_at_most(self, data, **kwargs):
        given = [name for name in ("provider_id", "provider_name", "provider") if name in data]
        if len(given) > 1:
            raise ValidationError("Name the provider one way: provider_id, provider_name or provider.",
                                  field_name=given[1])


class ReferralTransition(Schema):
    to = fields.String(required=True, validate=validate.OneOf(REFERRAL_STATUSES), metadata={"example": "sent"})
    note = fields.String(validate=NOTE)
    reason = fields.String(validate=REASON, metadata={"description": "Required to decline; allowed to cancel; "
                                                                     "refused for any other move."})


class FollowUpReportQuery(Schema):
    from_date = ClinicalDate(required=True, data_key="from", metadata={"description": "First discharge day counted."})
    to_date = ClinicalDate(required=True, data_key="to", metadata={"description": "Last discharge day counted."})

    @validates_schema
    def from_not_after_to(self, data, **kwargs):
        if "from_date" in data and "to_date" in data and data["from_date"] > data["to_date"]:
            raise ValidationError("Must be on or after 'from'.", field_name="to")


class Measure(Answer):
    id = fields.String(metadata={"example": "iop_follow_up"})
    title = fields.String()
    description = fields.String()


class Exclusions(Answer):
    death = fields.Integer()
    transfer_to_higher_level = fields.Integer(metadata={"description": "Transfers to PHP or residential care."})


class FollowUpWindow(Answer):
    days = fields.Integer(metadata={"example": 7})
    numerator = fields.Integer(metadata={"description": "Discharges with a counting visit within the window."})
    denominator = fields.Integer(metadata={"description": "Discharges, exclusions left out, whose window is decided "
                                                          "(closed, or met early)."})
    open = fields.Integer(metadata={"description": "Discharges whose window is still open and not met: not counted yet."})
    rate = fields.Float(allow_none=True, metadata={"description": "numerator / denominator; null without a denominator."})


class SiteFollowUpRates(Answer):
    site_id = fields.String()
    discharges = fields.Integer(metadata={"description": "Plans whose discharge day is in the period."})
    completions = fields.Integer(metadata={"description": "Of those, discharges with outcome completed."})
    excluded = fields.Nested(Exclusions, metadata={"description": "Discharges left out of every denominator."})
    windows = fields.List(fields.Nested(FollowUpWindow), metadata={"description": "iop_follow_up at 7 and 30 days."})
    eligible_7 = fields.Integer(metadata={"description": "The 7-day denominator (as windows[days=7].denominator)."})
    met_7 = fields.Integer(metadata={"description": "The 7-day numerator."})
    rate_7 = fields.Float(allow_none=True)
    open_7 = fields.Integer()
    eligible_30 = fields.Integer(metadata={"description": "The 30-day denominator."})
    met_30 = fields.Integer(metadata={"description": "The 30-day numerator."})
    rate_30 = fields.Float(allow_none=True)
    open_30 = fields.Integer()


class FollowUpReport(Answer):
    measure = fields.Nested(Measure, metadata={"description": "What is measured: iop_follow_up, this project's own "
                                                              "measure, not HEDIS FUH."})
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    sites = fields.List(fields.Nested(SiteFollowUpRates))


class KindTaskCounts(Answer):
    kind = fields.String(metadata={"example": "safety_screening"})
    open = fields.Integer(metadata={"description": "Tasks of this kind still open or assigned.", "example": 3})
    overdue = fields.Integer(metadata={"description": "Of those, the ones due before the site's today.", "example": 1})


class SiteTaskCounts(Answer):
    site_id = fields.String(metadata={"example": "mpls"})
    as_of = fields.Date(metadata={"description": "The site's today, which overdue is judged against."})
    open = fields.Integer(metadata={"description": "Tasks still asking something of someone: open or assigned "
                                                   "(overdue ones included).", "example": 12})
    overdue = fields.Integer(metadata={"description": "Open or assigned tasks due before the site's today.",
                                       "example": 4})
    by_kind = fields.List(fields.Nested(KindTaskCounts), metadata={
        "description": "The same counts per task kind, every kind listed (zeros included)."})


class TaskReport(Answer):
    sites = fields.List(fields.Nested(SiteTaskCounts), metadata={
        "description": "One entry per site the key sees: every site for an operator, its own for a site key."})


# --- the provider directory ----------------------------------------------------------------------

NAME = [validate.Length(min=1, max=200), NOT_BLANK]
PHONE = WholeMatch(r"^\+?[0-9 ()./-]{7,25}$", error="Must be a phone number: digits, spaces, + ( ) . / -.")
NPI = WholeMatch(r"^[0-9]{10}$", error="Must be 10 digits.")


class Address(Schema):
    line1 = fields.String(required=True, validate=NAME, metadata={"example": "2100 Lake Street, Suite 300"})
    line2 = fields.String(validate=validate.Length(max=200), allow_none=True)
    city = fields.String(required=True, validate=NAME, metadata={"example": "Minneapolis"})
    state = fields.String(required=True, validate=WholeMatch(r"^[A-Z]{2}$", error="Must be a two-letter state code."),
                          metadata={"example": "MN"})
    postal_code = fields.String(required=True, validate=WholeMatch(r"^[0-9]{5}(-[0-9]{4})?$",
                                                                   error="Must be a ZIP code (12345 or 12345-6789)."),
                                metadata={"example": "55408"})


class ProviderFields(Schema):
    name = fields.String(required=True, validate=NAME, metadata={"example": "Lakeside Counseling"})
    npi = fields.String(allow_none=True, validate=NPI, metadata={
        "description": "National Provider Identifier: 10 digits, the last a Luhn check digit over 80840 and the "
                       "first nine (a wrong check digit is a 422 naming npi).", "example": "1234567893"})
    levels_of_care = fields.List(fields.String(validate=validate.OneOf(LEVELS_OF_CARE)),
                                 validate=validate.Length(max=len(LEVELS_OF_CARE)),
                                 metadata={"example": ["outpatient_therapy", "psychiatry"]})
    # Not nullable in requests: apispec writes a nullable nested object as "any object or the
    # schema", which would let any object through the spec.
    address = fields.Nested(Address)
    phone = fields.String(allow_none=True, validate=PHONE, metadata={"example": "+1 612 555 0142"})
    accepted_payers = fields.List(fields.String(validate=[validate.Length(min=1, max=100), NOT_BLANK]),
                                  validate=validate.Length(max=50), metadata={"example": ["Medicaid", "BlueCross"]})
    accepts_electronic_referrals = fields.Boolean(metadata={"example": True})


class ProviderCreate(ProviderFields):
    pass


class ProviderUpdate(ProviderFields):
    """Only the fields sent change."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "partial": True})

    @validates_schema
    def changes_something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.", field_name="_request")


class Provider(ProviderFields, Answer):
    id = fields.UUID(attribute="_id")
    address = fields.Nested(Address, allow_none=True)
    created_from = fields.String(metadata={"description": "directory (staff added it), typed_name (a name a clinician "
                                                          "typed) or reference (an NPI a discharge named): complete "
                                                          "the last two."})
    needs_details = fields.Function(provider_needs_details, metadata={
        "type": "boolean",
        "description": "True while staff still have to complete the entry before a referral can reach it: it has "
                       "neither a phone nor an address, or is still named after the code a discharge named it by "
                       "(\"Provider named at discharge (...)\"). PATCH it to complete it."})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ProviderQuery(Schema):
    level_of_care = fields.String(validate=validate.OneOf(LEVELS_OF_CARE), metadata={"example": "psychiatry"})
    name = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "Part of the name (a prefix included), case, accents, punctuation and spacing ignored.",
        "example": "lake"})
    needs_details = fields.Boolean(metadata={
        "description": "true: only the entries staff still have to complete (see the answer's needs_details); "
                       "false: only the complete ones."})


# --- consent and disclosure ------------------------------------------------------------------------

class Disclosure(Answer):
    id = fields.UUID(attribute="_id")
    patient_id = fields.UUID()
    enrollment_id = fields.UUID(allow_none=True)
    referral_id = fields.UUID(allow_none=True)
    kind = fields.String(metadata={"description": "referral_sent, packet or medication_list"})
    what = fields.List(fields.String(), metadata={"description": "What was disclosed: the referral, or the packet's "
                                                                 "parts that held data.",
                                                  "example": ["patient", "program", "diagnoses", "medications"]})
    recipient_id = fields.UUID(allow_none=True, metadata={"description": "The provider of the directory it went to."})
    recipient_name = fields.String(allow_none=True, metadata={"description": "The provider's name at the time."})
    consent_id = fields.UUID(allow_none=True, metadata={"description": "The Part 2 consent it relied on (null when "
                                                                         "the records are not Part 2 records)."})
    part2 = fields.Boolean(metadata={"description": "Substance-use program records (42 CFR Part 2)."})
    notice_included = fields.Boolean(metadata={"description": "The §2.32 notice went with it."})
    by = fields.String(metadata={"description": "Label of the key that made the disclosure."})
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "The X-Actor the front-end named (a staff id)."})
    disclosed_at = fields.AwareDateTime()


class DisclosureQuery(Schema):
    patient_id = Uuid(metadata={"example": "8b3c1f9e-2f1d-4e8e-9f55-0c1a7b5d2e11"})
    referral_id = Uuid()


# --- the referral packet -----------------------------------------------------------------------------

class PacketQuery(Schema):
    view = fields.String(load_default="full", validate=validate.OneOf(PACKET_VIEWS), metadata={
        "description": "full: the whole packet; medication_list: the patient, the program and the medication list "
                       "(with what was stopped during the program), for a provider who needs only that."})


class PacketPart(Answer):
    status = fields.String(metadata={"description": "present; missing (its service could not be read); or withheld "
                                                    "(a Part 2 consent's scope does not name it)"})
    reason = fields.String(metadata={SOMETIMES_ABSENT: True, "description": "Why a part is missing or withheld.",
                                     "example": "intake did not answer within 4 s"})
    data = fields.Raw(metadata={SOMETIMES_ABSENT: True, "description": "The part, as its owning service answers it "
                                                                      "(null when there is none, e.g. no safety plan "
                                                                      "written); left out of a part not read."})


class PacketParts(Answer):
    """The parts of the packet's view: patient, program, medications and stopped_medications in
    both; the rest in the full packet only."""

    patient = fields.Nested(PacketPart, metadata={"description": "Identity, from intake."})
    program = fields.Nested(PacketPart, metadata={"description": "The program, its start and discharge dates."})
    diagnoses = fields.Nested(PacketPart, metadata={SOMETIMES_ABSENT: True,
                                                    "description": "ICD-10-CM, primary first, from intake."})
    aftercare_plan = fields.Nested(PacketPart, metadata={SOMETIMES_ABSENT: True})
    follow_up_appointment = fields.Nested(PacketPart, metadata={SOMETIMES_ABSENT: True,
                                                                "description": "From scheduling."})
    relapse_prevention_plan = fields.Nested(PacketPart, metadata={SOMETIMES_ABSENT: True})
    safety_plan = fields.Nested(PacketPart, metadata={
        SOMETIMES_ABSENT: True, "description": "The latest Stanley-Brown safety plan, from intake."})
    medications = fields.Nested(PacketPart, metadata={"description": "The discharge reconciliation, from medication."})
    stopped_medications = fields.Nested(PacketPart, metadata={"description": "Orders discontinued during the program."})
    goals = fields.Nested(PacketPart, metadata={
        SOMETIMES_ABSENT: True, "description": "Unmet treatment objectives carried over, from treatment."})


class PacketNotice(Answer):
    text = fields.String(metadata={"description": "The statement 42 CFR 2.32(a)(1) (2024) requires."})
    source = fields.String()


class PacketConsent(Answer):
    consent_id = fields.UUID()
    scope = fields.List(fields.String(), metadata={"example": ["referral_packet"]})
    recipient_id = fields.UUID(allow_none=True)
    recipient_class = fields.String(allow_none=True, metadata={"example": "tpo"})
    purpose = fields.String(metadata={"example": "treatment"})
    expires_on = fields.Date(allow_none=True)
    expiry_event = fields.String(allow_none=True, metadata={"example": "end_of_treatment"})


class Packet(Answer):
    referral = fields.Dict()
    provider = fields.Dict(allow_none=True)
    site = fields.Dict()
    view = fields.String()
    generated_at = fields.AwareDateTime()
    part2 = fields.Boolean(metadata={"description": "Substance-use program records: the notice and the consent go with them."})
    notice = fields.Nested(PacketNotice, allow_none=True)
    consent = fields.Nested(PacketConsent, allow_none=True, metadata={
        "description": "The consent the disclosure relies on, as §2.32(b) asks: its scope, recipient, purpose, expiry."})
    disclosure_id = fields.UUID(metadata={"description": "This production in the accounting of disclosures."})
    parts = fields.Nested(PacketParts)
    missing = fields.List(fields.Dict(), metadata={"description": "Each part that could not be read, and why.",
                                                   "example": [{"part": "safety_plan", "reason": "intake answered 404"}]})
    withheld = fields.List(fields.String(), metadata={"description": "Parts the consent's scope does not name.",
                                                      "example": ["diagnoses"]})


# --- follow-up visits recorded by staff -----------------------------------------------------------------

class FollowUpVisitCreate(Schema):
    visited_on = ClinicalDate(required=True, metadata={"description": "The day of the visit: on or after the "
                                                                     "discharge day, not in the future.",
                                                       "example": "2026-10-29"})
    kind = fields.String(required=True, validate=validate.OneOf(VISIT_KINDS), metadata={"example": "telehealth"})
    provider_id = fields.String(validate=CODE, metadata={"format": "uuid",
                                                        "description": "The provider of the directory seen, if known."})
