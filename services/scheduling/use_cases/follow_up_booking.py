"""Booking the aftercare follow-up appointment when an enrollment is completed.

Exactly one follow-up per completion: the appointment's natural key
(``aftercare_follow_up:<enrollment_id>``) is unique at the site and its id derives from it, so a
redelivered completion's insert is refused and it books nothing.
"""
from datetime import UTC, date, datetime, time, timedelta

from services.scheduling.domain.appointments import BOOKED, ended_by_death, follow_up_booked, follow_up_key
from services.scheduling.domain.follow_up import (
    DEFAULT_DURATION,
    FOLLOW_UP,
    FOLLOW_UP_WINDOW_DAYS,
    FollowUpSlot,
    follow_up_slot,
)
from services.scheduling.store import SchedulingStore, appointment_id
from shared import clock
from shared.cause import Cause
from shared.sites import Site


def book_follow_up(store: SchedulingStore, cause: Cause, site: Site, completion: dict) -> None:
    """intake.enrollment.completed (``completion``: its payload): book the follow-up on a site
    business day within 7 days after the discharge date, or the earliest later slot marked late,
    and emit scheduling.appointment.booked. Nothing for a patient whose program ended with a death."""
    natural_key = follow_up_key(completion["enrollment_id"])
    # No lookup of an earlier booking first: the insert below is refused by the unique natural key
    # (and the inbox has already turned away a redelivery), so the common path saves a round trip.
    if ended_by_death(store.schedules.find({"site_id": site.id, "patient_id": completion["patient_id"]},
                                           projection={"ended": 1})):
        return
    now = clock.now()
    slot = _first_free_slot(store, site, completion["discharge_date"], now)
    appointment, events = follow_up_booked(appointment_id=appointment_id(site.id, natural_key), site_id=site.id,
                                           completion=completion, slot=slot, now=now, by=cause.actor,
                                           caused_by=cause.causation_id)
    # False when a concurrent delivery of the same completion booked it first: nothing more to do.
    store.appointments.insert_once(appointment, events, cause)


def _first_free_slot(store: SchedulingStore, site: Site, discharge_day: date, now: datetime) -> FollowUpSlot:
    """The follow-up slot, reading only the part of the book the search can reach: booked
    follow-ups starting within one appointment's length of a window beginning at the first
    candidate (the day after the discharge, or now if later). A slot found past the window's end
    was not checked against the bookings beyond it, so the window doubles, only its new part is
    read, and the search reruns; the usual answer, within the 7-day window, takes one indexed read
    of a few days of the book."""
    day_after = datetime.combine(discharge_day + timedelta(days=1), time(0), tzinfo=site.zone).astimezone(UTC)
    first_candidate = max(day_after, now)
    read_from, span = {"$gt": first_candidate - DEFAULT_DURATION}, timedelta(days=2 * FOLLOW_UP_WINDOW_DAYS)
    taken: list[datetime] = []
    while True:
        window_end = first_candidate + span
        read_to = window_end + DEFAULT_DURATION
        taken += [appointment["starts_at"] for appointment in store.appointments.find(
            {"site_id": site.id, "kind": FOLLOW_UP, "status": BOOKED, "starts_at": {**read_from, "$lt": read_to}},
            projection={"starts_at": 1})]
        # not_before: a completion recorded after the fact must not be booked in the past.
        slot = follow_up_slot(discharge_day, site.calendar, site.timezone, taken=taken, not_before=now)
        if slot.starts_at < window_end:
            return slot
        read_from, span = {"$gte": read_to}, span * 2
