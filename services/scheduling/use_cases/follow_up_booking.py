"""Booking the aftercare follow-up appointment when an enrollment is completed.

Exactly one follow-up per completion: the appointment's natural key
(``aftercare_follow_up:<enrollment_id>``) is unique at the site and its id derives from it, so a
redelivered completion finds it taken and books nothing.
"""
from datetime import UTC, datetime, time, timedelta

from services.scheduling.domain.appointments import BOOKED, ended_by_death, follow_up_booked, follow_up_key
from services.scheduling.domain.follow_up import FOLLOW_UP, follow_up_slot
from services.scheduling.store import SchedulingStore, appointment_id
from shared import clock
from shared.cause import Cause
from shared.sites import Site


def book_follow_up(store: SchedulingStore, cause: Cause, site: Site, completion: dict) -> None:
    """intake.enrollment.completed (``completion``: its payload): book the follow-up on a site
    business day within 7 days after the discharge date, or the earliest later slot marked late,
    and emit scheduling.appointment.booked. Nothing for a patient whose program ended with a death."""
    natural_key = follow_up_key(completion["enrollment_id"])
    booked = store.appointments.find_one({"site_id": site.id, "natural_key": natural_key}, projection={"_id": 1})
    if booked is not None:
        return
    if ended_by_death(store.schedules.find({"site_id": site.id, "patient_id": completion["patient_id"]},
                                           projection={"ended": 1})):
        return
    discharge_day = completion["discharge_date"]
    day_after = datetime.combine(discharge_day + timedelta(days=1), time(0), tzinfo=site.zone).astimezone(UTC)
    taken = [appointment["starts_at"] for appointment in store.appointments.find(
        {"site_id": site.id, "kind": FOLLOW_UP, "status": BOOKED, "starts_at": {"$gte": day_after}},
        projection={"starts_at": 1})]
    now = clock.now()
    # not_before: a completion recorded after the fact must not be booked in the past.
    slot = follow_up_slot(discharge_day, site.calendar, site.timezone, taken=taken, not_before=now)
    appointment, events = follow_up_booked(appointment_id=appointment_id(site.id, natural_key), site_id=site.id,
                                           completion=completion, slot=slot, now=now, by=cause.actor,
                                           caused_by=cause.causation_id)
    # False when a concurrent delivery of the same completion booked it first: nothing more to do.
    store.appointments.insert_once(appointment, events, cause)
