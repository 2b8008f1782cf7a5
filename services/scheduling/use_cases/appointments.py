"""Appointments outside the program's sessions, the aftercare follow-up among them: booked by staff,
listed, read, rescheduled, cancelled and attended. Each change is one write of the appointment with
its event."""
import uuid
from datetime import UTC, date, datetime, time, timedelta

from services.scheduling.domain import appointments as rules
from services.scheduling.domain.follow_up import FOLLOW_UP
from services.scheduling.store import SchedulingStore
from services.scheduling.store import appointment_id as derived_appointment_id
from services.scheduling.use_cases import Page
from services.scheduling.use_cases.follow_up_booking import modify_appointment
from services.scheduling.use_cases.patients import is_patient_of_site
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, Invalid, NotFound
from shared.sites import Site

FILTERS = ("patient_id", "enrollment_id", "kind", "status")


def _at_site(site: Site, appointment_id: str) -> dict:
    return {"_id": appointment_id, "site_id": site.id}


def _local_midnight(site: Site, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=site.zone).astimezone(UTC)


def _not_found(appointment_id: str) -> NotFound:
    return NotFound(f"No appointment {appointment_id} at this site.")


def list_appointments(store: SchedulingStore, site: Site, filters: dict, page: Page) -> list[dict]:
    """The site's appointments in time order, by patient, enrollment, kind, status, and by the
    site dates they start on (``from_date``, ``to_date``, both included)."""
    query = {"site_id": site.id, **{name: filters[name] for name in FILTERS if name in filters}}
    starts = {}
    if "from_date" in filters:
        starts["$gte"] = _local_midnight(site, filters["from_date"])
    if "to_date" in filters:
        starts["$lt"] = _local_midnight(site, filters["to_date"] + timedelta(days=1))
    if starts:
        query["starts_at"] = starts
    return page(store.appointments, query, [("starts_at", 1), ("_id", 1)])


def book_appointment(store: SchedulingStore, cause: Cause, site: Site, fields: dict) -> dict:
    """Staff book an appointment (``fields``: patient_id, kind, starts_at, duration_minutes,
    enrollment_id?) for a patient of the site: emits scheduling.appointment.booked. A follow-up
    needs a discharged enrollment without a live follow-up and counts as its follow-up (Conflict
    otherwise); nothing is booked for a patient whose program ended with a death (Conflict)."""
    now, patient_id = clock.now(), fields["patient_id"]
    rules.check_future(fields["starts_at"], now)
    if not is_patient_of_site(store, site, patient_id):
        raise Invalid({"patient_id": ["No such patient at this site (one registered a moment ago may not be known "
                                      "yet: retry)."]})
    schedules = store.schedules.find({"site_id": site.id, "patient_id": patient_id},
                                     projection={"enrollment_id": 1, "status": 1, "ended": 1})
    if rules.ended_by_death(schedules):
        raise Conflict("The patient's program ended with outcome death: nothing is booked.")
    schedule = _enrollment_of(schedules, fields)
    new_id, natural_key = str(uuid.uuid4()), None
    if fields["kind"] == FOLLOW_UP:
        follow_ups = store.appointments.find({"site_id": site.id, "enrollment_id": schedule["enrollment_id"],
                                              "kind": FOLLOW_UP}, projection={"status": 1})
        natural_key = rules.follow_up_booking_key(schedule, follow_ups)
        new_id = derived_appointment_id(site.id, natural_key)
    ended = schedule.get("ended") if schedule else None
    appointment, events = rules.staff_booked(
        appointment_id=new_id, site_id=site.id, natural_key=natural_key or f"staff:{new_id}", fields=fields,
        discharge_date=ended["date"] if ended else None, now=now, by=cause.actor, zone=site.zone)
    if not store.appointments.insert_once(appointment, events, cause):
        raise Conflict("The enrollment's follow-up was booked a moment ago; reschedule it.")
    return appointment


def _enrollment_of(schedules: list[dict], fields: dict) -> dict | None:
    """The schedule of ``fields["enrollment_id"]`` among the patient's (Invalid when it is not one of
    theirs); None without one. A follow-up names its enrollment."""
    enrollment_id = fields.get("enrollment_id")
    if enrollment_id is None:
        if fields["kind"] == FOLLOW_UP:
            raise Invalid({"enrollment_id": ["An aftercare_follow_up names the discharged enrollment it follows."]})
        return None
    schedule = next((schedule for schedule in schedules if schedule["enrollment_id"] == enrollment_id), None)
    if schedule is None:
        raise Invalid({"enrollment_id": ["No enrollment of this patient at this site."]})
    return schedule


def get_appointment(store: SchedulingStore, site: Site, appointment_id: str) -> dict:
    appointment = store.appointments.find_one(_at_site(site, appointment_id))
    if appointment is None:
        raise _not_found(appointment_id)
    return appointment


def _change(store: SchedulingStore, cause: Cause, site: Site, appointment_id: str, change) -> dict:
    appointment = modify_appointment(store, cause, site, _at_site(site, appointment_id), change)
    if appointment is None:
        raise _not_found(appointment_id)
    return appointment


def reschedule_appointment(store: SchedulingStore, cause: Cause, site: Site, appointment_id: str,
                           starts_at: datetime) -> dict:
    """Move a booked appointment to a future instant; re-emits scheduling.appointment.booked. The
    appointment is looked up first: an unknown one is NotFound whatever the instant."""
    now, starts_at = clock.now(), starts_at.astimezone(UTC)
    return _change(store, cause, site, appointment_id, lambda appointment: rules.rescheduled(
        appointment, starts_at=starts_at, now=now, by=cause.actor, zone=site.zone))


def cancel_appointment(store: SchedulingStore, cause: Cause, site: Site, appointment_id: str,
                       reason: str | None = None, note: str | None = None) -> dict:
    """Cancel a booked appointment for a reason code (emits scheduling.appointment.cancelled, which
    carries the code and never the note); cancelling again changes nothing."""
    now = clock.now()
    return _change(store, cause, site, appointment_id, lambda appointment: rules.cancelled(
        appointment, reason=reason, note=note, now=now, by=cause.actor))


def record_appointment_attendance(store: SchedulingStore, cause: Cause, site: Site, appointment_id: str,
                                  status: str) -> dict:
    """Mark the appointment attended or no_show (a correction is allowed); emits
    scheduling.appointment.attended, which aftercare uses to mark the follow-up met."""
    now = clock.now()
    return _change(store, cause, site, appointment_id, lambda appointment: rules.attendance_recorded(
        appointment, status=status, now=now, by=cause.actor))
