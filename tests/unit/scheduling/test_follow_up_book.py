"""The site's record of its full follow-up stretch (``domain/follow_up_book.py``) never changes a
booking: whatever bookings, cancellations, moves, attendance and passing time come in whatever
order, each follow-up is booked at the slot the search over the whole book gives."""
import uuid
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from services.scheduling.domain import follow_up_book
from services.scheduling.domain.appointments import BOOKED
from services.scheduling.domain.follow_up import DEFAULT_DURATION, FOLLOW_UP, follow_up_slot
from services.scheduling.use_cases.appointments import (
    cancel_appointment,
    record_appointment_attendance,
    reschedule_appointment,
)
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from shared import clock
from shared.business_days import BusinessCalendar
from shared.errors import Conflict, Invalid
from shared.store import encode
from tests.in_memory import in_memory_context
from tests.unit.scheduling.support import admission, discharge, event_cause

START = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)  # a Friday, 09:00 at the site


class FollowUpBook(RuleBasedStateMachine):
    """Completions arrive in bursts (so the book runs weeks ahead and searches jump), booked
    follow-ups are cancelled, moved or marked, and time passes, past the record's trust too."""

    @initialize()
    def start(self):
        context = in_memory_context("scheduling")
        self.store, self.site, self.now = context.store, context.site("mpls"), START
        self.jumps = 0

    def booked(self) -> list[dict]:
        return self.store.appointments.find({"site_id": self.site.id, "kind": FOLLOW_UP, "status": BOOKED},
                                            sort=[("_id", 1)])

    @rule(days=st.integers(min_value=1, max_value=10))
    def backlog(self, days):
        """Every slot of the next ``days`` business days after the last booked follow-up is taken
        (booked by staff, say: the record knows nothing of them)."""
        last = max((appointment["starts_at"] for appointment in self.booked()), default=self.now)
        day = last.astimezone(self.site.zone).date()
        filled = []
        for _ in range(days):
            day = self.site.calendar.add_business_days(day, 1)
            filled += [datetime.combine(day, time(hour), tzinfo=self.site.zone).astimezone(timezone.utc)
                       for hour in range(9, 17)]
        self.store.appointments.raw.insert_many([encode({
            "_id": key, "natural_key": key, "site_id": self.site.id, "patient_id": key, "kind": FOLLOW_UP, "status": BOOKED,
            "late": False,
            "starts_at": starts_at, "ends_at": starts_at + DEFAULT_DURATION, "history": []})
            for starts_at in filled for key in [str(uuid.uuid4())]])

    @rule(completions=st.integers(min_value=1, max_value=12), days_ago=st.integers(min_value=0, max_value=20))
    def complete(self, completions, days_ago):
        discharge_day = self.now.astimezone(self.site.zone).date() - timedelta(days=days_ago)
        for _ in range(completions):
            book = [appointment["starts_at"] for appointment in self.booked()]
            expected = follow_up_slot(discharge_day, self.site.calendar, self.site.timezone, taken=book,
                                      not_before=self.now)
            completion = discharge(admission(), discharge_day)
            with clock.pinned(self.now):
                book_follow_up(self.store, event_cause(), self.site, completion)
            appointment = self.store.appointments.find_one({"enrollment_id": completion["enrollment_id"]})
            assert (appointment["starts_at"], appointment["late"]) == (expected.starts_at, expected.late)

    @precondition(lambda self: self.booked())
    @rule(pick=st.integers(min_value=0), action=st.sampled_from(["cancel", "move", "attended", "no_show"]),
          minutes_ahead=st.integers(min_value=1, max_value=60 * 24 * 40))
    def change(self, pick, action, minutes_ahead):
        booked = self.booked()
        appointment = booked[pick % len(booked)]
        cause = event_cause()
        with clock.pinned(self.now):
            try:
                if action == "cancel":
                    cancel_appointment(self.store, cause, self.site, appointment["_id"], reason="patient_request")
                elif action == "move":
                    reschedule_appointment(self.store, cause, self.site, appointment["_id"],
                                           self.now + timedelta(minutes=minutes_ahead))
                else:
                    record_appointment_attendance(self.store, cause, self.site, appointment["_id"], action)
            except (Conflict, Invalid):
                pass

    @rule(minutes=st.integers(min_value=1, max_value=60 * 24 * 3))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @invariant()
    def the_record_claims_only_taken_slots(self):
        """Checked directly too, not only through the bookings: every hourly slot the record vouches
        for (and trusts now) is taken by a booked follow-up or past."""
        if not hasattr(self, "store"):
            return
        record = self.store.follow_up_books.find_one({"_id": self.site.id})
        known = follow_up_book.known_full(record, follow_up_book.calendar_key(self.site.calendar, self.site.timezone),
                                          self.now)
        if known is None:
            return
        self.jumps += 1
        book = [appointment["starts_at"] for appointment in self.booked()]
        day = known.start.astimezone(self.site.zone).date() - timedelta(days=1)
        while (day := self.site.calendar.add_business_days(day, 1)) <= known.end.astimezone(self.site.zone).date():
            for hour in range(9, 17):
                slot = datetime.combine(day, time(hour), tzinfo=self.site.zone).astimezone(timezone.utc)
                if known.start <= slot < known.end and slot >= self.now:
                    assert any(abs(other - slot) < DEFAULT_DURATION for other in book), slot


FollowUpBook.TestCase.settings = settings(max_examples=20, stateful_step_count=20, deadline=None)
test_bookings_with_the_record_are_the_bookings_of_the_whole_book = FollowUpBook.TestCase


def test_a_record_found_under_another_calendar_or_past_its_trust_vouches_for_nothing():
    calendar = BusinessCalendar()
    key = follow_up_book.calendar_key(calendar, "America/Chicago")
    record = {"calendar": key, "start": START, "end": START + timedelta(days=30), "verified_at": START}
    assert follow_up_book.known_full(record, key, START + timedelta(minutes=59)) is not None
    assert follow_up_book.known_full(record, key, START + follow_up_book.TRUSTED_FOR) is None
    with_a_holiday = BusinessCalendar(holidays=frozenset({date(2026, 12, 24)}))
    assert follow_up_book.known_full(record, follow_up_book.calendar_key(with_a_holiday, "America/Chicago"),
                                     START) is None
    assert follow_up_book.known_full(record, follow_up_book.calendar_key(calendar, "America/Denver"), START) is None


def test_a_freed_slot_in_the_past_leaves_the_record_alone_and_one_to_come_ends_it_one_length_before():
    assert follow_up_book.freed(START - timedelta(hours=1), START) is None
    assert follow_up_book.freed(START - timedelta(minutes=59), START) == START - timedelta(minutes=119)
    assert follow_up_book.freed(START + timedelta(days=3), START) == START + timedelta(days=3, hours=-1)


def test_a_known_stretch_is_jumped_to_only_from_a_point_it_covers():
    known = follow_up_book.KnownFull(START + timedelta(days=20), START + timedelta(days=40), START)
    assert follow_up_book.jump(known, START + timedelta(days=19)) is None  # the days before it are not known
    assert follow_up_book.jump(known, START + timedelta(days=20)) == known.end
    assert follow_up_book.jump(known, START + timedelta(days=40)) is None  # past it: nothing to skip
