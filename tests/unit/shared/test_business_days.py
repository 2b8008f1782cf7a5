"""Site business days: weekends and holidays are skipped, the start day never counts."""
from datetime import date

from shared.business_days import BusinessCalendar

CALENDAR = BusinessCalendar(holidays=frozenset({date(2026, 12, 25)}))


def test_one_business_day_after_a_friday_is_the_monday():
    assert CALENDAR.add_business_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_a_holiday_is_skipped():
    assert CALENDAR.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_zero_business_days_from_a_saturday_is_the_next_monday():
    assert CALENDAR.add_business_days(date(2026, 11, 28), 0) == date(2026, 11, 30)
