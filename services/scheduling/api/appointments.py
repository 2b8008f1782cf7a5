"""Appointments outside the program's sessions: booked by staff, and the aftercare follow-up booked at completion."""
from flask_smorest import Blueprint

from services.scheduling.api.schemas import (
    Appointment,
    AppointmentAttendance,
    AppointmentCreate,
    AppointmentQuery,
    Cancellation,
    Reschedule,
)
from services.scheduling.use_cases import appointments
from shared.http.current import current_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("appointments", __name__, url_prefix="/v1/appointments",
                description="Appointments, the aftercare follow-up (kind aftercare_follow_up) among them.")


@blp.route("", methods=["POST"])
@blp.arguments(AppointmentCreate, example={"patient_id": "5f0c2b1e-8f7a-4d3c-9b2a-1e6d4c3b2a10",
                                           "kind": "individual_therapy", "starts_at": "2027-01-20T14:00:00-06:00",
                                           "duration_minutes": 50})
@blp.response(201, Appointment)
@blp.alt_response(409, description="A follow-up for an enrollment not discharged, or that has one already; or a "
                                   "patient whose program ended with outcome death.")
@blp.alt_response(422, description="Invalid fields: an instant not in the future, a patient or an enrollment "
                                   "unknown at this site.")
def book_appointment(fields):
    """Book an appointment for a patient of the site; emits scheduling.appointment.booked. An
    ``aftercare_follow_up`` for a discharged enrollment that has none counts as its follow-up, exactly
    like the one booked at a completion (one per enrollment: 409 while one is booked or held)."""
    return appointments.book_appointment(store(), request_cause(), current_site(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(AppointmentQuery, location="query")
@blp.response(200, Appointment(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_appointments(query, pagination_parameters):
    """The site's appointments in time order, filtered by patient, enrollment, kind, status and dates."""
    return appointments.list_appointments(
        store(), current_site(), query,
        page=lambda documents, selector, sort: page_of(documents, selector, sort, pagination_parameters))


@blp.route("/<appointment_id>", methods=["GET"])
@blp.response(200, Appointment)
def get_appointment(appointment_id):
    """One appointment with its history."""
    return appointments.get_appointment(store(), current_site(), appointment_id)


@blp.route("/<appointment_id>/reschedule", methods=["POST"])
@blp.arguments(Reschedule)
@blp.response(200, Appointment)
@blp.alt_response(404, description="No such appointment at this site.")
@blp.alt_response(409, description="The appointment is no longer booked.")
def reschedule(fields, appointment_id):
    """Move a booked appointment to a future instant; re-emits scheduling.appointment.booked with the
    same ``appointment_id``, the new ``starts_at`` and ``late`` recomputed for a follow-up."""
    return appointments.reschedule_appointment(store(), request_cause(), current_site(), appointment_id,
                                               fields["starts_at"])


@blp.route("/<appointment_id>/cancel", methods=["POST"])
@blp.arguments(Cancellation, required=False)
@blp.response(200, Appointment)
@blp.alt_response(404, description="No such appointment at this site.")
@blp.alt_response(409, description="Attendance was already taken.")
def cancel(fields, appointment_id):
    """Cancel a booked appointment (emits scheduling.appointment.cancelled with the reason code; the
    note stays in the appointment's history); cancelling again changes nothing."""
    return appointments.cancel_appointment(store(), request_cause(), current_site(), appointment_id,
                                           reason=fields.get("reason"), note=fields.get("note"))


@blp.route("/<appointment_id>/attendance", methods=["POST"])
@blp.arguments(AppointmentAttendance)
@blp.response(200, Appointment)
@blp.alt_response(409, description="The appointment was cancelled.")
def record_attendance(fields, appointment_id):
    """Mark the appointment attended or no_show (a correction is allowed); emits
    scheduling.appointment.attended, which aftercare uses to mark the follow-up met."""
    return appointments.record_appointment_attendance(store(), request_cause(), current_site(), appointment_id,
                                                      fields["status"])
