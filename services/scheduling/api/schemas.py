"""Request and answer schemas of the scheduling API; the OpenAPI spec is built from these.

Instants are stored in UTC and answered with the site's UTC offset (``SiteInstant``), so that
``2026-12-01T15:00:00Z`` reads ``2026-12-01T09:00:00-06:00`` at a Chicago site. Value rules
of a group (modality, weekdays, HH:MM, bounds) are defined in the domain (``domain/groups.py``);
the request schemas check them too, with the domain's values and messages, so that the OpenAPI
spec says what a request may carry. Answer schemas use plain date fields: what is answered was
stored, and is not bounded like a request.
"""
from marshmallow import Schema, ValidationError, fields, validate

from services.scheduling.domain.appointments import (
    APPOINTMENT_KINDS,
    APPOINTMENT_STATUSES,
    ATTENDANCE_OUTCOMES,
    CANCELLATION_REASONS,
)
from services.scheduling.domain.appointments import (
    MAX_DURATION_MINUTES as MAX_APPOINTMENT_MINUTES,
)
from services.scheduling.domain.appointments import (
    MIN_DURATION_MINUTES as MIN_APPOINTMENT_MINUTES,
)
from services.scheduling.domain.attendance import ATTENDANCE_STATUSES
from services.scheduling.domain.calendar_links import FEEDS, LINK_STATUSES
from services.scheduling.domain.enrollment_schedules import GROUP_PLACEMENTS
from services.scheduling.domain.follow_up import FOLLOW_UP
from services.scheduling.domain.groups import (
    CAPACITY_MESSAGE,
    DURATION_MESSAGE,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    MODALITIES,
    MODALITY_MESSAGE,
    START_TIME_MESSAGE,
    START_TIME_PATTERN,
    weekday_errors,
)
from services.scheduling.domain.schedule import SESSION_KINDS
from services.scheduling.domain.sessions import CANCELLED, SCHEDULED
from shared.business_days import WEEKDAYS
from shared.http.current import current_site
from shared.http.fields import SOMETIMES_ABSENT, Answer, ClinicalDate, ClinicalInstant, Uuid


class WholeMatch(validate.Regexp):
    """A pattern the whole value must match: with ``re.match`` (``Regexp``), ``$`` also matches
    before a final newline, so a code followed by a newline passed; the spec's pattern (ECMA) refuses
    it, and so does this."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


CODE = WholeMatch(r"^[A-Za-z0-9_.:-]{1,64}$", error="Must be a code of letters, digits and _.:- (at most 64).")
SESSION_STATUSES = (SCHEDULED, CANCELLED, *ATTENDANCE_STATUSES)
MAX_NOTE_LENGTH = 500


class SiteInstant(fields.AwareDateTime):
    """An aware instant, answered in the caller's site timezone (ISO 8601 with its offset)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(current_site().zone).isoformat()


# --- groups ----------------------------------------------------------------------------------

def _valid_weekdays(weekdays: list) -> None:
    if messages := weekday_errors(weekdays):
        raise ValidationError(messages)


class GroupCreate(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"example": "Morning DBT skills"})
    program = fields.String(required=True, validate=CODE, metadata={
        "description": "A program code of the caller's site's catalog (intake's `GET /programs`); any other code "
                       "is refused with 422 on `program`.",
        "example": "mh-adult"})
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES, error=MODALITY_MESSAGE), metadata={
        "description": "What the group is: told as `group_modality` with each attendance at its meetings "
                       "(the same four codes treatment reads).",
        "example": "group_therapy"})
    # Checked as a whole (unknown and repeated days reported under "weekdays"), documented item by item.
    weekdays = fields.List(fields.String(metadata={"enum": list(WEEKDAYS)}), required=True, validate=_valid_weekdays,
                           metadata={"description": "Distinct weekdays.", "minItems": 1, "uniqueItems": True,
                                     "example": ["mon", "wed", "fri"]})
    start_time = fields.String(required=True, validate=WholeMatch(START_TIME_PATTERN, error=START_TIME_MESSAGE),
                               metadata={"description": "Local time at the site, HH:MM (24-hour).", "example": "09:00"})
    duration_minutes = fields.Integer(
        required=True, strict=True, metadata={"example": 180},
        validate=validate.Range(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES, error=DURATION_MESSAGE))
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, error=CAPACITY_MESSAGE),
                              metadata={"description": "Seats.", "example": 10})
    facilitator = fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "Staff label of the facilitator.", "example": "J. Okafor, LICSW"})


class GroupUpdate(GroupCreate):
    """Any subset of a group's fields (used as ``GroupUpdate(partial=True)``)."""


class GroupQuery(Schema):
    program = fields.String(validate=CODE)
    archived = fields.Boolean(metadata={"description": "true: archived groups only; false: active groups only."})


class Group(Answer):
    id = fields.UUID(attribute="_id")
    name = fields.String()
    program = fields.String()
    modality = fields.String()
    weekdays = fields.List(fields.String())
    start_time = fields.String()
    duration_minutes = fields.Integer()
    capacity = fields.Integer()
    facilitator = fields.String(allow_none=True)
    archived = fields.Function(lambda group: group.get("archived_at") is not None, dump_only=True,
                               metadata={"type": "boolean"})
    archived_at = SiteInstant(allow_none=True)
    enrolled_count = fields.Function(lambda group: len(group.get("members") or []), metadata={"type": "integer"})
    waiting_count = fields.Function(lambda group: len(group.get("waiting_list") or []), metadata={"type": "integer"})
    created_at = SiteInstant()
    updated_at = SiteInstant()


class RosterEntry(Answer):
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    joined_at = SiteInstant(metadata={"description": "When the patient took the seat or joined the waiting list."})


class WaitingEntry(RosterEntry):
    position = fields.Integer(metadata={"description": "1 is seated next."})


class Roster(Answer):
    group_id = fields.UUID()
    capacity = fields.Integer()
    enrolled = fields.List(fields.Nested(RosterEntry))
    waiting_list = fields.List(fields.Nested(WaitingEntry), metadata={"description": "First come, first served."})


class MeetingPath(Schema):
    group_id = fields.String(required=True)
    local_date = ClinicalDate(required=True, metadata={"description": "The meeting's date at the site, YYYY-MM-DD.",
                                                       "example": "2026-12-09"})


class SessionAttendee(Answer):
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    session_id = fields.UUID()
    status = fields.String(metadata={"description": "scheduled, cancelled, or the attendance taken."})


class SessionRoster(Answer):
    group_id = fields.UUID()
    date = fields.Date()
    starts_at = SiteInstant(allow_none=True)
    ends_at = SiteInstant(allow_none=True)
    attendees = fields.List(fields.Nested(SessionAttendee))


# --- schedules, sessions and attendance ------------------------------------------------------

class AttendanceEntry(Answer):
    status = fields.String()
    recorded_at = SiteInstant()
    recorded_by = fields.String(metadata={"description": "Label of the key that recorded it."})


class Session(Answer):
    id = fields.UUID()
    kind = fields.String(metadata={"description": f"One of {', '.join(SESSION_KINDS)}."})
    starts_at = SiteInstant(metadata={"example": "2026-12-01T09:00:00-06:00"})
    ends_at = SiteInstant(metadata={"example": "2026-12-01T12:00:00-06:00"})
    status = fields.String(metadata={"description": "scheduled until attendance is taken, then the attendance status "
                                                    f"({', '.join(ATTENDANCE_STATUSES)}); cancelled after discharge."})
    local_date = fields.Date(metadata={"description": "The date at the site."})
    attendance = fields.Nested(AttendanceEntry, allow_none=True)
    attendance_history = fields.List(fields.Nested(AttendanceEntry),
                                     metadata={"description": "Every recording, corrections included, oldest first."})


class SessionQuery(Schema):
    kind = fields.String(validate=validate.OneOf(SESSION_KINDS))
    status = fields.String(validate=validate.OneOf(SESSION_STATUSES))


class AttendanceRecord(Schema):
    enrollment_id = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"format": "uuid"})
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_STATUSES),
                           metadata={"description": "late counts as attended; excused neither counts towards nor "
                                                    "ends a streak of unexcused absences."})


class WeekHours(Answer):
    week_start = fields.Date(metadata={"description": "The Monday of the week, at the site."})
    scheduled_hours = fields.Float()


class IntensityWarning(WeekHours):
    minimum_hours = fields.Float()


class ProgramChange(Answer):
    program = fields.String(metadata={"example": "op-adult"})
    previous_program = fields.String(metadata={"example": "mh-adult"})
    effective_date = fields.Date(metadata={"description": "The first day re-planned to the new program's cadence."})
    planned_end_date = fields.Date()
    applied_at = SiteInstant()


class Schedule(Answer):
    enrollment_id = fields.UUID()
    patient_id = fields.UUID()
    program = fields.String(metadata={"description": "The program in force: the admission's, or the last change of "
                                                     "level of care's."})
    program_changes = fields.List(fields.Nested(ProgramChange), metadata={
        "description": "Each change of level of care applied (intake.level_of_care.changed), oldest first."})
    intensity_below_minimum_weeks = fields.List(fields.Date(), metadata={
        "description": "Mondays of the finished weeks whose attended (present) hours stayed below the program's "
                       "minimum; each raised scheduling.intensity.below_minimum once."})
    # As intake's admission named it (a UUID, which intake checks); an unknown group leaves the
    # enrollment with placement group_unavailable.
    group_id = fields.UUID(allow_none=True)
    group_placement = fields.String(metadata={
        "description": f"One of {', '.join(GROUP_PLACEMENTS)}: waitlisted has no group sessions until a seat "
                       "frees; group_unavailable means an unknown or archived group."})
    start_date = fields.Date()
    planned_end_date = fields.Date()
    status = fields.String(metadata={"description": "active or ended"})
    session_count = fields.Integer()
    weekly_hours = fields.List(fields.Nested(WeekHours))
    warnings = fields.List(fields.Nested(IntensityWarning), metadata={
        "description": "Full weeks scheduled below the weekly minimum of the program in force (the site catalog's "
                       "`weekly_minimum_hours`, e.g. 9 h for adult IOP, 6 h for adolescents, 20 h for PHP)."})


class AttendanceWeek(Answer):
    week_start = fields.Date()
    scheduled_hours = fields.Float()
    attended_hours = fields.Float()
    below_minimum = fields.Boolean(allow_none=True, metadata={
        "description": "Attended hours (present and late) below the minimum; null until the week is over. "
                       "scheduling.intensity.below_minimum counts sessions marked present only, and never judges "
                       "the week of admission."})


class AttendanceSummary(Answer):
    enrollment_id = fields.UUID()
    minimum_weekly_hours = fields.Float()
    attended_hours_total = fields.Float()
    unexcused_absences_in_a_row = fields.Integer(metadata={"description": "The current streak of unexcused absences."})
    weeks = fields.List(fields.Nested(AttendanceWeek))


# --- appointments ----------------------------------------------------------------------------

class AppointmentHistoryEntry(Answer):
    """One change; what else it carries depends on the action."""

    at = SiteInstant()
    by = fields.String()
    action = fields.String()
    starts_at = SiteInstant(metadata={SOMETIMES_ABSENT: True,
                                      "description": "Booked and rescheduled: the new start."})
    status = fields.String(metadata={SOMETIMES_ABSENT: True,
                                     "description": "Cancelled and attendance: the new status."})
    reason = fields.String(metadata={SOMETIMES_ABSENT: True, "description": "The cancellation's reason code."})
    note = fields.String(metadata={SOMETIMES_ABSENT: True, "description": "The cancellation's note, when given, kept "
                                                                          "here only: never sent in an event."})


class Appointment(Answer):
    id = fields.UUID(attribute="_id")
    patient_id = fields.UUID()
    enrollment_id = fields.UUID(allow_none=True)
    kind = fields.String(metadata={"description": f"One of {', '.join(APPOINTMENT_KINDS)}.", "example": FOLLOW_UP})
    starts_at = SiteInstant()
    ends_at = SiteInstant()
    status = fields.String(metadata={"description": f"One of {', '.join(APPOINTMENT_STATUSES)}."})
    late = fields.Boolean(metadata={"description": "The follow-up falls after the 7-day window."})
    discharge_date = fields.Date(allow_none=True)
    booked_by_staff = fields.Boolean(metadata={
        SOMETIMES_ABSENT: True, "description": "`true`: booked with POST /appointments; left out when booked by the system."})
    history = fields.List(fields.Nested(AppointmentHistoryEntry))


class AppointmentCreate(Schema):
    patient_id = fields.String(required=True, validate=CODE, metadata={
        "format": "uuid", "description": "A patient of the caller's site (registered or admitted there).",
        "example": "5f0c2b1e-8f7a-4d3c-9b2a-1e6d4c3b2a10"})
    kind = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_KINDS), metadata={
        "description": "`aftercare_follow_up` needs `enrollment_id`, a discharged enrollment without a follow-up "
                       "that is not cancelled: it then counts as that discharge's follow-up (7-day window, `late`), "
                       "exactly like the one booked at a completion.",
        "example": "individual_therapy"})
    starts_at = ClinicalInstant(required=True, metadata={"description": "A future instant, with its offset.",
                                                         "example": "2027-01-20T14:00:00-06:00"})
    duration_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(
        min=MIN_APPOINTMENT_MINUTES, max=MAX_APPOINTMENT_MINUTES), metadata={"example": 50})
    enrollment_id = fields.String(validate=CODE, metadata={
        "format": "uuid", "description": "One of the patient's enrollments at the site (required for a follow-up).",
        "example": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"})


class AppointmentQuery(Schema):
    patient_id = Uuid()
    enrollment_id = Uuid()
    kind = fields.String(validate=CODE)
    status = fields.String(validate=validate.OneOf(APPOINTMENT_STATUSES))
    from_date = ClinicalDate(data_key="from", metadata={"description": "Starting on or after this date at the site."})
    to_date = ClinicalDate(data_key="to", metadata={"description": "Starting on or before this date at the site."})


class Reschedule(Schema):
    starts_at = ClinicalInstant(required=True, metadata={"example": "2027-01-27T10:00:00-06:00"})


class Cancellation(Schema):
    reason = fields.String(validate=validate.OneOf(CANCELLATION_REASONS), metadata={
        "description": f"Why, as one of {', '.join(CANCELLATION_REASONS)}. The code is what "
                       "scheduling.appointment.cancelled tells every subscriber.",
        "example": "patient_request"})
    note = fields.String(validate=validate.Length(min=1, max=MAX_NOTE_LENGTH), metadata={
        "description": "Free text about the cancellation, kept in the appointment's history only: it is never "
                       "sent in an event.",
        "example": "Asked to call back next week."})


class AppointmentAttendance(Schema):
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_OUTCOMES))


# --- subscribable calendar links -------------------------------------------------------------

class CalendarLinkCreate(Schema):
    feed = fields.String(required=True, validate=validate.OneOf(FEEDS), metadata={
        "description": "Whose calendar: a patient's sessions and appointments, or a group's meetings.",
        "example": "patient"})
    id = fields.String(required=True, validate=CODE, metadata={
        "format": "uuid", "description": "The patient's or the group's id, at the caller's site.",
        "example": "5f0c2b1e-8f7a-4d3c-9b2a-1e6d4c3b2a10"})


class CalendarLink(Answer):
    id = fields.UUID(attribute="_id")
    feed = fields.String(metadata={"description": f"One of {', '.join(FEEDS)}."})
    feed_id = fields.UUID(metadata={"description": "The patient's or the group's id."})
    status = fields.String(metadata={"description": f"One of {', '.join(LINK_STATUSES)}: a revoked link's address "
                                                    "answers 404."})
    created_at = SiteInstant()
    created_by = fields.String(metadata={"description": "Label of the key that created it."})
    revoked_at = SiteInstant(allow_none=True)
    revoked_by = fields.String(allow_none=True)


class CalendarLinkCreated(CalendarLink):
    url = fields.String(metadata={
        "description": "The feed's address, holding the link's token: shown in this answer only (the service keeps "
                       "a digest of the token). Built from the host this request was sent to.",
        "example": "https://iop.example.org/scheduling/v1/calendar-feed.ics?token=Zk3q...9s"})
    webcal_url = fields.String(metadata={"description": "The same address with the webcal scheme, which calendar "
                                                        "apps open as a subscription.",
                                         "example": "webcal://iop.example.org/scheduling/v1/calendar-feed.ics?token=Zk3q...9s"})


class CalendarLinkQuery(Schema):
    feed = fields.String(validate=validate.OneOf(FEEDS))
    feed_id = Uuid()
    status = fields.String(validate=validate.OneOf(LINK_STATUSES))


class FeedToken(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The token of a calendar link, as in the address the link was created with."})
