"""Appointments outside the program's sessions, the aftercare follow-up among them: listed, read,
rescheduled, cancelled and attended. Each change is one write of the appointment with its event."""
from datetime import UTC, date, datetime, time, timedelta

from services.scheduling.domain import appointments as rules
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases import Page
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
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


def get_appointment(store: SchedulingStore, site: Site, appointment_id: str) -> dict:
    appointment = store.appointments.find_one(_at_site(site, appointment_id))
    if appointment is None:
        raise _not_found(appointment_id)
    return appointment


def _change(store: SchedulingStore, cause: Cause, site: Site, appointment_id: str, change) -> dict:
    appointment = store.appointments.modify(_at_site(site, appointment_id), change, cause)
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
