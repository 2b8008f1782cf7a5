"""Booking the aftercare follow-up at a completion, on the in-memory store."""
import uuid
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduling.domain.follow_up import FOLLOW_UP, follow_up_slot
from services.scheduling.store import APPOINTMENTS
from services.scheduling.use_cases.follow_up_booking import _first_free_slot, book_follow_up
from shared import clock
from shared.store import encode
from tests.in_memory import in_memory_context
from tests.unit.scheduling.support import FRIDAY, admission, discharge, event_cause, events


def complete(store, site, discharge_date=FRIDAY, reaction=None, admitted=None) -> dict:
    completion = discharge(admitted or admission(), discharge_date)
    book_follow_up(store, reaction or event_cause(), site, completion)
    return store.appointments.find_one({"enrollment_id": completion["enrollment_id"]})


def test_a_completion_books_the_follow_up_on_the_next_business_day_at_ten(store, site):
    appointment = complete(store, site)
    assert (appointment["starts_at"], appointment["late"], appointment["status"]) == (
        datetime(2027, 1, 18, 16, 0, tzinfo=timezone.utc), False, "booked")
    assert appointment["discharge_date"] == FRIDAY


def test_the_booking_emits_appointment_booked_caused_by_the_completion(store, site):
    reaction = event_cause()
    appointment = complete(store, site, reaction=reaction)
    [booked] = events(store, APPOINTMENTS, "scheduling.appointment.booked")
    assert (booked["payload"]["appointment_id"], booked["payload"]["late"]) == (appointment["_id"], False)
    assert booked["causation_id"] == reaction.causation_id


def test_a_redelivered_completion_books_one_follow_up_only(store, site):
    admitted, reaction = admission(), event_cause()
    complete(store, site, reaction=reaction, admitted=admitted)
    complete(store, site, reaction=reaction, admitted=admitted)
    assert store.appointments.count({"enrollment_id": admitted["enrollment_id"]}) == 1
    assert len(events(store, APPOINTMENTS, "scheduling.appointment.booked")) == 1


def test_two_completions_on_the_same_day_get_different_slots(store, site):
    assert complete(store, site)["starts_at"] != complete(store, site)["starts_at"]


def test_the_follow_up_is_never_on_the_discharge_day_even_with_free_slots_left_that_day(store, site):
    early_on_a_thursday = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)  # 06:00 at the site
    with clock.pinned(early_on_a_thursday):
        appointment = complete(store, site, discharge_date=date(2026, 11, 26))
    assert appointment["starts_at"] == datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)  # Friday 10:00


def test_with_every_slot_of_the_seven_days_taken_the_follow_up_is_booked_late(store, site):
    window_slots = 5 * 8  # Monday 18 to Friday 22 January, 09:00 to 16:00
    booked = [complete(store, site) for _ in range(window_slots)]
    late = complete(store, site)
    assert not any(appointment["late"] for appointment in booked)
    assert (late["late"], late["starts_at"]) == (True, datetime(2027, 1, 25, 16, 0, tzinfo=timezone.utc))
    assert events(store, APPOINTMENTS, "scheduling.appointment.booked")[-1]["payload"]["late"] is True


def test_a_completion_recorded_after_its_window_is_booked_late_at_the_first_slot_not_in_the_past(store, site):
    appointment = complete(store, site, discharge_date=date(2026, 11, 2))
    # The pinned now is noon at the site: 09:00 to 11:00 today have passed.
    assert (appointment["starts_at"], appointment["late"]) == (clock.now(), True)


@settings(max_examples=60, deadline=None)
@given(full_days=st.integers(min_value=0, max_value=45),
       scattered=st.lists(st.integers(min_value=0, max_value=60 * 24 * 90), max_size=40),
       discharge_offset=st.integers(min_value=-20, max_value=5))
def test_the_slot_read_from_a_window_of_the_book_is_the_one_the_whole_book_gives(full_days, scattered,
                                                                                 discharge_offset):
    """Booking reads only the part of the book its search can reach, widening it when the slot falls
    past it: whatever the book (every slot of the first ``full_days`` business days taken, others
    booked at any minute), the slot is the one the search over every booked follow-up gives."""
    context = in_memory_context("scheduling")
    store, site = context.store, context.site("mpls")
    now = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
    discharge_day = date(2026, 11, 27) + timedelta(days=discharge_offset)
    day, filled = discharge_day, []
    for _ in range(full_days):
        day = site.calendar.add_business_days(day, 1)
        filled += [datetime.combine(day, time(hour), tzinfo=site.zone).astimezone(timezone.utc) for hour in range(9, 17)]
    book = filled + [now + timedelta(minutes=minutes) for minutes in scattered]
    for starts_at in book:
        key = str(uuid.uuid4())
        store.appointments.raw.insert_one(encode({"_id": key, "natural_key": key, "site_id": site.id, "kind": FOLLOW_UP,
                                                  "status": "booked", "starts_at": starts_at}))
    expected = follow_up_slot(discharge_day, site.calendar, site.timezone, taken=book, not_before=now)
    assert _first_free_slot(store, site, discharge_day, now) == expected
