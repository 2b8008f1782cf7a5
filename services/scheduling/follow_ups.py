"""Booking the aftercare follow-up appointment when an enrollment is completed.

Exactly one follow-up per completion: the appointment's natural key
(``aftercare_follow_up:<enrollment_id>``) is unique at the site, so a redelivered completion
finds it taken and books nothing.
"""
import uuid
from datetime import UTC, datetime, time, timedelta

from pymongo.errors import DuplicateKeyError

from services.scheduling.domain.follow_up import DEFAULT_DURATION, follow_up_slot
from services.scheduling.domain.schedule import site_zone
from services.scheduling.store import APPOINTMENTS
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored
from shared.outbox import insert_with_events

FOLLOW_UP = "aftercare_follow_up"
BOOKED = "booked"


def follow_up_key(enrollment_id: str) -> str:
    return f"{FOLLOW_UP}:{enrollment_id}"


def appointment_booked(context: ServiceContext, appointment: dict, **envelope) -> dict:
    """scheduling.appointment.booked for ``appointment`` as stored (also re-emitted on reschedule)."""
    return context.event("scheduling.appointment.booked", {
        "appointment_id": appointment["_id"],
        "patient_id": appointment["patient_id"],
        "enrollment_id": appointment.get("enrollment_id"),
        "kind": appointment["kind"],
        "starts_at": appointment["starts_at"],
        "late": bool(appointment.get("late")),
    }, **envelope)


def book_follow_up(event: Event, context: ServiceContext) -> None:
    """intake.enrollment.completed: book the follow-up on a site business day within 7 days after
    the discharge date, or the earliest later slot marked late, and emit scheduling.appointment.booked."""
    payload, site = event.payload, context.sites.get(event.site_id)
    appointments = context.db[APPOINTMENTS]
    natural_key = follow_up_key(payload["enrollment_id"])
    if appointments.find_one({"site_id": site.id, "natural_key": natural_key}, {"_id": 1}) is not None:
        return
    discharge_day = payload["discharge_date"]
    day_after = datetime.combine(discharge_day + timedelta(days=1), time(0), tzinfo=site_zone(site.timezone))
    taken = [appointment["starts_at"] for appointment in appointments.find(
        {"site_id": site.id, "kind": FOLLOW_UP, "status": BOOKED, "starts_at": {"$gte": day_after.astimezone(UTC)}},
        {"starts_at": 1})]
    now = clock.now()
    # not_before: a completion recorded after the fact must not be booked in the past.
    slot = follow_up_slot(discharge_day, site.calendar, site.timezone, taken=taken, not_before=now)
    appointment = {
        "_id": str(uuid.uuid4()),
        "site_id": site.id,
        "natural_key": natural_key,
        "patient_id": payload["patient_id"],
        "enrollment_id": payload["enrollment_id"],
        "kind": FOLLOW_UP,
        "starts_at": slot.starts_at,
        "ends_at": slot.starts_at + DEFAULT_DURATION,
        "discharge_date": stored(discharge_day),
        "late": slot.late,
        "status": BOOKED,
        "history": [{"at": now, "by": "scheduling", "action": "booked", "starts_at": slot.starts_at}],
        "created_at": now,
        "caused_by": event.event_id,
    }
    booked = appointment_booked(context, appointment, site_id=event.site_id, correlation_id=event.correlation_id,
                                causation_id=event.event_id)
    try:
        insert_with_events(appointments, appointment, [booked])
    except DuplicateKeyError:
        pass  # a concurrent delivery of the same completion booked it
