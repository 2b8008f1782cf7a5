"""Appointments outside the program's sessions; today the aftercare follow-up booked at completion.

Rescheduling re-emits scheduling.appointment.booked with the same ``appointment_id`` and the new
``starts_at`` (and ``late`` recomputed for a follow-up), so that aftercare's follow-up task always
points at the time that holds; consumers treat it as "booked or moved", idempotent by id.
"""
from datetime import UTC, date, datetime, time, timedelta

from flask_smorest import Blueprint

from services.scheduling.api.schemas import (
    Appointment,
    AppointmentAttendance,
    AppointmentQuery,
    Cancellation,
    Reschedule,
)
from services.scheduling.domain.follow_up import FOLLOW_UP_WINDOW_DAYS
from services.scheduling.follow_ups import BOOKED, FOLLOW_UP, appointment_booked
from services.scheduling.store import APPOINTMENTS
from shared import clock
from shared.errors import IllegalTransition, Invalid, StateMachine
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, current_site, find_at_site, request_event, service_context
from shared.http.pagination import page_of
from shared.http.request_context import correlation_id
from shared.outbox import modify

blp = Blueprint("appointments", __name__, url_prefix="/v1/appointments",
                description="Appointments, the aftercare follow-up (kind aftercare_follow_up) among them.")

CANCELLED, ATTENDED, NO_SHOW = "cancelled", "attended", "no_show"
# A taken attendance may be corrected (attended <-> no_show); a cancelled appointment is final.
APPOINTMENT_MACHINE = StateMachine("appointment", {
    BOOKED: {CANCELLED, ATTENDED, NO_SHOW},
    ATTENDED: {NO_SHOW},
    NO_SHOW: {ATTENDED},
})


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=current_site().zone).astimezone(UTC)


def _history(action: str, now: datetime, **details) -> dict:
    return {"at": now, "by": actor(), "action": action, **details}


def _change(appointment_id: str, apply) -> dict:
    find_at_site(APPOINTMENTS, appointment_id, "appointment")
    return modify(collection(APPOINTMENTS), {"_id": appointment_id, "site_id": current_site_id()}, apply)


@blp.route("", methods=["GET"])
@blp.arguments(AppointmentQuery, location="query")
@blp.response(200, Appointment(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_appointments(query, pagination_parameters):
    """The site's appointments in time order, filtered by patient, enrollment, kind, status and dates."""
    selector = {"site_id": current_site_id(),
                **{name: query[name] for name in ("patient_id", "enrollment_id", "kind", "status") if name in query}}
    starts = {}
    if "from_date" in query:
        starts["$gte"] = _local_midnight(query["from_date"])
    if "to_date" in query:
        starts["$lt"] = _local_midnight(query["to_date"] + timedelta(days=1))
    if starts:
        selector["starts_at"] = starts
    return page_of(collection(APPOINTMENTS), selector, [("starts_at", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<appointment_id>", methods=["GET"])
@blp.response(200, Appointment)
def get_appointment(appointment_id):
    """One appointment with its history."""
    return find_at_site(APPOINTMENTS, appointment_id, "appointment")


@blp.route("/<appointment_id>/reschedule", methods=["POST"])
@blp.arguments(Reschedule)
@blp.response(200, Appointment)
@blp.alt_response(409, description="The appointment is no longer booked.")
def reschedule(fields, appointment_id):
    """Move a booked appointment to a future instant; re-emits scheduling.appointment.booked."""
    context, now, starts_at = service_context(), clock.now(), fields["starts_at"].astimezone(UTC)
    if starts_at <= now:
        raise Invalid({"starts_at": ["Must be in the future."]})

    def apply(appointment):
        if appointment["status"] != BOOKED:
            raise IllegalTransition("appointment", appointment["status"], "rescheduled")
        changes = {
            "starts_at": starts_at,
            "ends_at": starts_at + (appointment["ends_at"] - appointment["starts_at"]),
            "late": _misses_follow_up_window(appointment, starts_at),
            "history": [*appointment["history"], _history("rescheduled", now, starts_at=starts_at)],
        }
        return changes, [appointment_booked(context, {**appointment, **changes}, site_id=current_site_id(),
                                                     correlation_id=correlation_id())]

    return _change(appointment_id, apply)


def _misses_follow_up_window(appointment: dict, starts_at: datetime) -> bool:
    if appointment["kind"] != FOLLOW_UP or not appointment.get("discharge_date"):
        return False
    last_day = date.fromisoformat(appointment["discharge_date"]) + timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    return starts_at.astimezone(current_site().zone).date() > last_day


@blp.route("/<appointment_id>/cancel", methods=["POST"])
@blp.arguments(Cancellation)
@blp.response(200, Appointment)
@blp.alt_response(409, description="Attendance was already taken.")
def cancel(fields, appointment_id):
    """Cancel a booked appointment (emits scheduling.appointment.cancelled); cancelling again changes nothing."""
    now = clock.now()

    def apply(appointment):
        if appointment["status"] == CANCELLED:
            return None
        APPOINTMENT_MACHINE.check(appointment["status"], CANCELLED)
        reason = fields.get("reason")
        event = request_event("scheduling.appointment.cancelled", {
            "appointment_id": appointment["_id"], "patient_id": appointment["patient_id"],
            "enrollment_id": appointment.get("enrollment_id"), "kind": appointment["kind"], "reason": reason,
        })
        history = [*appointment["history"], _history("cancelled", now, status=CANCELLED, **({"reason": reason} if reason else {}))]
        return {"status": CANCELLED, "history": history}, [event]

    return _change(appointment_id, apply)


@blp.route("/<appointment_id>/attendance", methods=["POST"])
@blp.arguments(AppointmentAttendance)
@blp.response(200, Appointment)
@blp.alt_response(409, description="The appointment was cancelled.")
def record_attendance(fields, appointment_id):
    """Mark the appointment attended or no_show (a correction is allowed); emits
    scheduling.appointment.attended, which aftercare uses to mark the follow-up met."""
    now, status = clock.now(), fields["status"]

    def apply(appointment):
        if appointment["status"] == status:
            return None
        APPOINTMENT_MACHINE.check(appointment["status"], status)
        event = request_event("scheduling.appointment.attended", {
            "appointment_id": appointment["_id"], "patient_id": appointment["patient_id"],
            "enrollment_id": appointment.get("enrollment_id"), "kind": appointment["kind"],
            "status": status, "starts_at": appointment["starts_at"],
        })
        return {"status": status, "history": [*appointment["history"], _history("attendance", now, status=status)]}, [event]

    return _change(appointment_id, apply)
