"""Answer and request schemas of the aftercare API; the OpenAPI spec is built from these.

Request dates are bounded (``ClinicalDate``); answer schemas use plain date and instant fields:
what is answered was stored, and is not bounded like a request.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.aftercare.domain.referrals import STATUSES as REFERRAL_STATUSES
from services.aftercare.domain.tasks import STATUSES as TASK_STATUSES
from services.aftercare.domain.tasks import TASK_KINDS
from shared.events.codes import LEVELS_OF_CARE
from shared.http.fields import ClinicalDate


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


class HistoryEntry(Schema):
    at = fields.AwareDateTime()
    by = fields.String(metadata={"description": "Label of the key that made the change, or 'aftercare' for an event."})
    from_status = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)


class Appointment(Schema):
    id = fields.String()
    starts_at = fields.AwareDateTime()
    late = fields.Boolean(metadata={"description": "Booked after the 7-day window because no slot fitted inside it."})


class Task(Schema):
    id = fields.String(attribute="_id")
    plan_id = fields.String(allow_none=True, metadata={"description": "Null for a task raised before any plan."})
    enrollment_id = fields.String(allow_none=True)
    patient_id = fields.String()
    kind = fields.String(metadata={"example": "follow_up_appointment"})
    owner_role = fields.String(metadata={"example": "case_manager"})
    due_date = fields.Date()
    status = fields.String(metadata={"description": "open, assigned, completed or cancelled"})
    assignee = fields.String(allow_none=True)
    content = fields.Dict(metadata={"description": "What the task asks for, e.g. the relapse-prevention sections."})
    source = fields.Dict(allow_none=True, metadata={"description": "What raised the task: an event, a referral, a plan window."})
    appointment = fields.Nested(Appointment, allow_none=True, metadata={"description": "The follow-up appointment booked for this task."})
    attended_on = fields.Date(metadata={"description": "Day of the attended visit that met the follow-up."})
    reconciliation_id = fields.String(metadata={"description": "The medication reconciliation that closed the handoff."})
    created_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntry))


class Referral(Schema):
    id = fields.String(attribute="_id")
    plan_id = fields.String()
    enrollment_id = fields.String()
    patient_id = fields.String()
    level_of_care = fields.String(metadata={"example": "outpatient_therapy"})
    provider = fields.String(allow_none=True, metadata={"description": "Provider directory code or NPI."})
    status = fields.String(metadata={"description": "created, sent, accepted, scheduled, completed, declined or cancelled"})
    decline_reason = fields.String()
    re_referral_task_id = fields.String(metadata={"description": "The task opened when the referral was declined."})
    referral_follow_up_task_id = fields.String(metadata={"description": "The task opened when acceptance was late."})
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime()
    accepted_at = fields.AwareDateTime()
    scheduled_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime()
    declined_at = fields.AwareDateTime()
    cancelled_at = fields.AwareDateTime()
    history = fields.List(fields.Nested(HistoryEntry))


class FollowUp(Schema):
    appointment_id = fields.String(allow_none=True)
    starts_at = fields.AwareDateTime(allow_none=True)
    late = fields.Boolean()
    due_date = fields.Date(allow_none=True, metadata={"description": "The booked follow-up's day."})
    visits = fields.List(fields.Date(), metadata={"description": "Days of attended follow-up visits."})
    met_on = fields.Date(allow_none=True, metadata={"description": "First attended visit after the discharge day."})
    within_7 = fields.Boolean(allow_none=True, metadata={"description": "Met within 7 days; null while the window is open."})
    within_30 = fields.Boolean(allow_none=True, metadata={"description": "Met within 30 days; null while the window is open."})
    overdue = fields.Dict(keys=fields.String(), values=fields.Date(),
                          metadata={"description": "Windows raised as overdue (\"7\", \"30\") and their due dates."})


class Plan(Schema):
    id = fields.String(attribute="_id")
    enrollment_id = fields.String()
    patient_id = fields.String()
    program = fields.String()
    outcome = fields.String()
    discharge_date = fields.Date()
    template = fields.String(metadata={"description": "step_down after completion, re_engagement otherwise, or a site's own."})
    status = fields.String()
    follow_up = fields.Nested(FollowUp)
    tasks = fields.List(fields.Nested(Task))
    referrals = fields.List(fields.Nested(Referral))
    created_at = fields.AwareDateTime()


class PlanQuery(Schema):
    enrollment_id = fields.String()
    patient_id = fields.String()


class TaskQuery(Schema):
    enrollment_id = fields.String()
    patient_id = fields.String()
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
    plan_id = fields.String()
    status = fields.String(validate=validate.OneOf(REFERRAL_STATUSES))


class ReferralCreate(Schema):
    plan_id = fields.String(required=True)
    level_of_care = fields.String(required=True, validate=validate.OneOf(LEVELS_OF_CARE),
                                  metadata={"example": "psychiatry"})
    provider = fields.String(validate=CODE, metadata={"description": "Provider directory code or NPI (not a name).",
                                                      "example": "npi:1234567893"})


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


class SiteFollowUpRates(Schema):
    site_id = fields.String()
    discharges = fields.Integer(metadata={"description": "Plans whose discharge day is in the period."})
    completions = fields.Integer(metadata={"description": "Of those, discharges with outcome completed."})
    eligible_7 = fields.Integer(metadata={"description": "Discharges whose 7-day window is decided."})
    met_7 = fields.Integer()
    rate_7 = fields.Float(allow_none=True)
    eligible_30 = fields.Integer()
    met_30 = fields.Integer()
    rate_30 = fields.Float(allow_none=True)


class FollowUpReport(Schema):
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    sites = fields.List(fields.Nested(SiteFollowUpRates))
