"""Payloads of the events the scheduling service publishes."""
from marshmallow import Schema, fields

from shared.events._fields import code, identifier
from shared.events.codes import OUTCOMES
from shared.events.registry import EventType

# Why an appointment was cancelled: a code every subscriber may read. What a person wrote about it
# (a note) stays in scheduling's own document and never travels in an event.
CANCELLATION_REASONS: tuple[str, ...] = ("patient_request", "provider_unavailable", "rescheduled", "discharged", "other")
# Why an enrollment's future sessions were cancelled: the outcome of the discharge that ended it.
SESSIONS_CANCELLED_REASONS: tuple[str, ...] = OUTCOMES


class ScheduleCreated(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    group_id = identifier(load_default=None, allow_none=True)
    session_count = fields.Integer(required=True)
    waitlisted = fields.Boolean(required=True)
    first_session_at = fields.AwareDateTime(load_default=None, allow_none=True)
    last_session_at = fields.AwareDateTime(load_default=None, allow_none=True)
    # Optional (issue 10): the program whose cadence the sessions follow, and, when a change of level
    # of care re-planned an existing schedule, the first day re-planned (None at admission) and how
    # many sessions it cancelled. For a re-plan, the counts and instants above are those of the
    # sessions booked from ``replanned_from`` on.
    program = code(load_default=None, allow_none=True)
    replanned_from = fields.Date(load_default=None, allow_none=True)
    cancelled_count = fields.Integer(load_default=None, allow_none=True)


schedule_created = EventType("scheduling.schedule.created", ScheduleCreated)


class AttendanceRecorded(Schema):
    session_id = identifier(required=True)
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    status = code(required=True)
    # Optional (issue 11), read by treatment to open the right session note: the session's kind
    # (group, individual_therapy, medication_check_in), and for a group session its group, the
    # group's modality (group_therapy, education, holistic, family) and the meeting's start, which
    # together name one meeting whose attendees' notes share a narrative. None: an individual session.
    session_kind = code(load_default=None, allow_none=True)
    group_id = identifier(load_default=None, allow_none=True)
    group_modality = code(load_default=None, allow_none=True)
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)


attendance_recorded = EventType("scheduling.attendance.recorded", AttendanceRecorded)


class AbsenceEscalated(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    consecutive_absences = fields.Integer(required=True)
    last_session_id = identifier(required=True)


absence_escalated = EventType("scheduling.absence.escalated", AbsenceEscalated)


class SessionsCancelled(Schema):
    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    cancelled_count = fields.Integer(required=True)
    reason = code(required=True, one_of=SESSIONS_CANCELLED_REASONS)


sessions_cancelled = EventType("scheduling.sessions.cancelled", SessionsCancelled)


class AppointmentBooked(Schema):
    appointment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    starts_at = fields.AwareDateTime(required=True)
    # True when no slot fitted the 7-day window and the earliest later one was booked.
    late = fields.Boolean(load_default=False)


appointment_booked = EventType("scheduling.appointment.booked", AppointmentBooked)


class AppointmentAttended(Schema):
    appointment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    status = code(required=True)  # attended or no_show
    starts_at = fields.AwareDateTime(required=True)


appointment_attended = EventType("scheduling.appointment.attended", AppointmentAttended)


class AppointmentCancelled(Schema):
    appointment_id = identifier(required=True)
    patient_id = identifier(required=True)
    enrollment_id = identifier(load_default=None, allow_none=True)
    kind = code(required=True)
    reason = code(load_default=None, allow_none=True, one_of=CANCELLATION_REASONS)


appointment_cancelled = EventType("scheduling.appointment.cancelled", AppointmentCancelled)


class IntensityBelowMinimum(Schema):
    """A finished week whose attended hours stayed below the current program's weekly minimum (issue 10)."""

    enrollment_id = identifier(required=True)
    patient_id = identifier(required=True)
    program = code(required=True)
    week_start = fields.Date(required=True)
    attended_minutes = fields.Integer(required=True)
    minimum_minutes = fields.Integer(required=True)


intensity_below_minimum = EventType("scheduling.intensity.below_minimum", IntensityBelowMinimum)
