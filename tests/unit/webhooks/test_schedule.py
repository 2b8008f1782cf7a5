"""The retry schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, and failed once an
attempt fails 24 hours or more after the first."""
from datetime import datetime, timedelta, timezone

import pytest

from services.webhooks.domain.schedule import delay_after, next_attempt_at

START = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)


def attempt_times() -> list[timedelta]:
    """When each attempt of a schedule is made when every one fails, from the first."""
    times, at, failed = [timedelta(0)], START, 1
    while (following := next_attempt_at(START, failed, at)) is not None:
        at, failed = following, failed + 1
        times.append(at - START)
    return times


def test_the_delays_grow_then_repeat_ten_hours():
    assert [delay_after(n) for n in range(1, 10)] == [
        timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=5),
        timedelta(hours=10), timedelta(hours=10), timedelta(hours=10), timedelta(hours=10)]


def test_a_delivery_that_always_fails_is_tried_eight_times_over_more_than_a_day():
    times = attempt_times()
    assert len(times) == 8
    assert times[-1] == timedelta(hours=27, minutes=35, seconds=5)
    assert times[-2] < timedelta(hours=24) <= times[-1]


def test_an_attempt_failing_a_day_after_the_first_ends_the_schedule():
    assert next_attempt_at(START, 3, START + timedelta(hours=24)) is None
    assert next_attempt_at(START, 3, START + timedelta(hours=23, minutes=59)) == START + timedelta(hours=24, minutes=29)


def test_the_delay_counts_from_the_attempt_not_from_when_it_was_due():
    late = START + timedelta(minutes=7)
    assert next_attempt_at(START, 2, late) == late + timedelta(minutes=5)


def test_no_delay_precedes_the_first_attempt():
    with pytest.raises(ValueError):
        delay_after(0)
