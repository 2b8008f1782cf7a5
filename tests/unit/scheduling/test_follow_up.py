from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.scheduling.domain.follow_up import candidate_times, follow_up_slot
from shared.business_days import BusinessCalendar

CHICAGO = "America/Chicago"
WEEKDAYS_OPEN = BusinessCalendar()
INDEPENDENCE_DAY_OBSERVED = date(2026, 7, 3)  # a Friday
WITH_HOLIDAY = BusinessCalendar(holidays=frozenset({INDEPENDENCE_DAY_OBSERVED}))


def chicago(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(CHICAGO)).astimezone(UTC)


def every_slot(days) -> set[datetime]:
    return {chicago(day, hour) for day in days for hour in range(9, 17)}


def test_the_follow_up_is_the_next_business_day_at_the_preferred_time():
    slot = follow_up_slot(date(2026, 2, 3), WEEKDAYS_OPEN, CHICAGO)  # Tuesday
    assert slot == (chicago(date(2026, 2, 4), 10), False)


def test_the_follow_up_is_never_on_the_discharge_day_even_when_that_day_has_free_slots():
    discharge = date(2026, 2, 3)  # a Tuesday, nothing booked
    slot = follow_up_slot(discharge, WEEKDAYS_OPEN, CHICAGO, not_before=chicago(discharge, 0))
    assert slot.starts_at.astimezone(ZoneInfo(CHICAGO)).date() == date(2026, 2, 4)


def test_a_friday_discharge_is_followed_up_on_monday():
    slot = follow_up_slot(date(2026, 2, 6), WEEKDAYS_OPEN, CHICAGO)
    assert slot.starts_at == chicago(date(2026, 2, 9), 10)


def test_a_site_holiday_is_skipped():
    slot = follow_up_slot(date(2026, 7, 2), WITH_HOLIDAY, CHICAGO)  # Thursday before the holiday
    assert slot.starts_at == chicago(date(2026, 7, 6), 10)


def test_a_site_open_on_saturdays_can_book_a_saturday():
    six_days = BusinessCalendar(open_weekdays=frozenset({"mon", "tue", "wed", "thu", "fri", "sat"}))
    slot = follow_up_slot(date(2026, 2, 6), six_days, CHICAGO)
    assert slot.starts_at == chicago(date(2026, 2, 7), 10)


def test_the_preferred_time_is_local_time_across_the_dst_change():
    slot = follow_up_slot(date(2026, 3, 6), WEEKDAYS_OPEN, CHICAGO)  # Friday before the change
    assert slot.starts_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # 10:00 CDT


def test_a_taken_preferred_time_moves_to_the_first_free_hourly_slot():
    taken = {chicago(date(2026, 2, 4), 10)}
    slot = follow_up_slot(date(2026, 2, 3), WEEKDAYS_OPEN, CHICAGO, taken=taken)
    assert slot.starts_at == chicago(date(2026, 2, 4), 9)


def test_a_slot_overlapping_a_booked_appointment_is_not_free():
    taken = {chicago(date(2026, 2, 4), 9) + timedelta(minutes=30)}  # 09:30-10:30
    slot = follow_up_slot(date(2026, 2, 3), WEEKDAYS_OPEN, CHICAGO, taken=taken)
    assert slot.starts_at == chicago(date(2026, 2, 4), 11)


def test_a_full_day_moves_the_follow_up_to_the_next_business_day():
    slot = follow_up_slot(date(2026, 2, 3), WEEKDAYS_OPEN, CHICAGO, taken=every_slot([date(2026, 2, 4)]))
    assert slot == (chicago(date(2026, 2, 5), 10), False)


def test_the_seventh_day_after_discharge_is_still_on_time():
    friday, next_friday = date(2026, 2, 6), date(2026, 2, 13)
    full = every_slot([date(2026, 2, 9), date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 12)])
    slot = follow_up_slot(friday, WEEKDAYS_OPEN, CHICAGO, taken=full)
    assert slot == (chicago(next_friday, 10), False)


def test_a_full_window_books_the_first_free_slot_after_it_marked_late():
    friday = date(2026, 2, 6)
    window = [friday + timedelta(days=n) for n in range(1, 8)]
    slot = follow_up_slot(friday, WEEKDAYS_OPEN, CHICAGO, taken=every_slot(window))
    assert slot == (chicago(date(2026, 2, 16), 10), True)


def test_a_site_closed_for_the_whole_window_books_late():
    closed = BusinessCalendar(holidays=frozenset(date(2026, 12, 21) + timedelta(days=n) for n in range(12)))
    slot = follow_up_slot(date(2026, 12, 20), closed, CHICAGO)
    assert slot == (chicago(date(2027, 1, 4), 10), True)


def test_slots_before_not_before_are_skipped():
    now = chicago(date(2026, 2, 4), 12) + timedelta(minutes=5)
    slot = follow_up_slot(date(2026, 2, 3), WEEKDAYS_OPEN, CHICAGO, not_before=now)
    assert slot.starts_at == chicago(date(2026, 2, 4), 13)


def test_a_calendar_without_open_days_is_refused_rather_than_searched_forever():
    with pytest.raises(ValueError):
        follow_up_slot(date(2026, 2, 3), BusinessCalendar(open_weekdays=frozenset()), CHICAGO)


def test_the_day_offers_the_preferred_time_then_each_hour_from_9_to_16():
    assert candidate_times(time(10, 30)) == [time(10, 30)] + [time(h) for h in range(9, 17)]


def test_the_preferred_time_is_not_offered_twice():
    assert candidate_times(time(10, 0)).count(time(10, 0)) == 1


@given(booked=st.lists(st.integers(min_value=0, max_value=60 * 24 * 30), max_size=60),
       discharge_offset=st.integers(min_value=0, max_value=20))
def test_the_slot_overlaps_nothing_booked_and_no_earlier_candidate_was_free(booked, discharge_offset):
    """Against the definition (a scan of the whole book), whatever the book holds, including
    appointments a person booked at odd minutes."""
    discharge = date(2026, 2, 2) + timedelta(days=discharge_offset)
    taken = [chicago(date(2026, 2, 2), 0) + timedelta(minutes=minutes) for minutes in booked]
    hour = timedelta(hours=1)
    slot = follow_up_slot(discharge, WEEKDAYS_OPEN, CHICAGO, taken=taken)
    assert all(abs(other - slot.starts_at) >= hour for other in taken)
    day = WEEKDAYS_OPEN.add_business_days(discharge, 1)
    while True:
        for local_time in candidate_times():
            candidate = datetime.combine(day, local_time, tzinfo=ZoneInfo(CHICAGO)).astimezone(UTC)
            if candidate == slot.starts_at:
                return
            assert any(abs(other - candidate) < hour for other in taken), f"{candidate} was free"
        day = WEEKDAYS_OPEN.add_business_days(day, 1)
