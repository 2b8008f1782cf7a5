"""Booking the aftercare follow-up appointment when an enrollment is completed.

Exactly one follow-up per completion: the appointment's natural key
(``aftercare_follow_up:<enrollment_id>``) is unique at the site and its id derives from it, so a
redelivered completion's insert is refused and it books nothing.
"""
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from services.scheduling.domain import follow_up_book
from services.scheduling.domain.appointments import BOOKED, ended_by_death, follow_up_booked, follow_up_key
from services.scheduling.domain.follow_up import (
    DEFAULT_DURATION,
    FOLLOW_UP,
    FOLLOW_UP_WINDOW_DAYS,
    FollowUpSlot,
    follow_up_slot,
)
from services.scheduling.domain.follow_up_book import KnownFull
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
    candidate (the day after the discharge, or now if later). The usual answer, within the 7-day
    window, takes that one indexed read of a few days of the book.

    A slot found past the window's end was not checked against the bookings beyond it: the book is
    full up to the window's end. Then the site's record of its full stretch (``follow_up_books``,
    ``domain/follow_up_book.py``) may let the search jump to that stretch's end; either way the
    window doubles, only its new part is read, and the search reruns. A search that went past its
    first window records what it found, so that the next one jumps instead of reading it again."""
    day_after = datetime.combine(discharge_day + timedelta(days=1), time(0), tzinfo=site.zone).astimezone(UTC)
    first_candidate = max(day_after, now)
    read_from, span = {"$gt": first_candidate - DEFAULT_DURATION}, timedelta(days=2 * FOLLOW_UP_WINDOW_DAYS)
    searched_from, not_before = first_candidate, now
    taken: list[datetime] = []
    book = None  # the site's record, read once the first window is found full
    jumped = False
    while True:
        window_end = searched_from + span
        read_to = window_end + DEFAULT_DURATION
        taken += [appointment["starts_at"] for appointment in store.appointments.find(
            {"site_id": site.id, "kind": FOLLOW_UP, "status": BOOKED, "starts_at": {**read_from, "$lt": read_to}},
            projection={"starts_at": 1})]
        # not_before: a completion recorded after the fact must not be booked in the past.
        slot = follow_up_slot(discharge_day, site.calendar, site.timezone, taken=taken, not_before=not_before)
        if slot.starts_at < window_end:
            if book is not None:
                _record_full_stretch(store, site, book, first_candidate, slot, jumped, now)
            return slot
        if book is None:
            book = _read_book(store, site, now)
        jump_to = follow_up_book.jump(book.known, window_end)
        if jump_to is not None and not jumped:
            # Every slot up to the window's end was checked, and the record vouches for the rest up
            # to its end: go on from there, with only the bookings near and after it to read.
            jumped, searched_from, not_before = True, jump_to, max(now, jump_to)
            taken, read_from = [], {"$gt": jump_to - DEFAULT_DURATION}
            continue
        read_from, span = {"$gte": read_to}, span * 2


class _Book(NamedTuple):
    record: dict | None
    known: KnownFull | None


def _read_book(store: SchedulingStore, site: Site, now: datetime) -> _Book:
    record = store.follow_up_books.find_one({"_id": site.id})
    return _Book(record, follow_up_book.known_full(record, _calendar(site), now))


def _record_full_stretch(store: SchedulingStore, site: Site, book: _Book, first_candidate: datetime,
                         slot: FollowUpSlot, jumped: bool, now: datetime) -> None:
    """Store what the search found full, unless someone changed the record since it was read (a
    slot freed meanwhile ends the stretch before it; this booking must not extend it again)."""
    found = follow_up_book.after_search(book.known, first_candidate, slot.starts_at, site.zone, jumped, now)
    if found is None or found == book.known:
        return
    fields = {"calendar": _calendar(site), **found._asdict()}
    if book.record is None:
        store.follow_up_books.insert_once({"_id": site.id, "site_id": site.id, **fields})
    else:
        store.follow_up_books.replace_if_unchanged(book.record, fields)


def modify_appointment(store: SchedulingStore, cause: Cause, site: Site, query: dict, change) -> dict | None:
    """``store.appointments.modify``, then, when the change took a booked follow-up off its slot
    (cancelled, moved, or marked attended or missed before its time), the site's known full stretch
    is ended before that slot (atomically, whatever a booking does meanwhile), so the next booking
    can take it. Every change of an appointment goes through here."""
    found = []  # the appointment as the change last found it

    def remembering(appointment: dict):
        found.append({key: appointment[key] for key in ("kind", "status", "starts_at")})
        return change(appointment)

    written = store.appointments.modify(query, remembering, cause)
    if written is None:
        return None
    before = found[-1]
    if before["kind"] == FOLLOW_UP and before["status"] == BOOKED and (
            written["status"] != BOOKED or written["starts_at"] != before["starts_at"]):
        end = follow_up_book.freed(before["starts_at"], clock.now())
        if end is not None:
            store.follow_up_books.lower({"_id": site.id}, "end", end)
    return written


def _calendar(site: Site) -> str:
    return follow_up_book.calendar_key(site.calendar, site.timezone)
