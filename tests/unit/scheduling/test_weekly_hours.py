from datetime import date, time, timedelta

from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.schedule import (
    IndividualPlan,
    generate_sessions,
    intensity_warnings,
    week_start,
    weekly_hours,
)

CHICAGO = "America/Chicago"
MONDAY = date(2026, 2, 2)
THREE_MORNINGS = GroupSlot(("mon", "wed", "fri"), time(9, 0), 180)
TWO_MORNINGS = GroupSlot(("tue", "thu"), time(9, 0), 180)


def schedule(group, start=MONDAY, days=28, individual=None, med_check=None):
    return generate_sessions(start, start + timedelta(days=days - 1), CHICAGO, group, individual, med_check)


def warnings_over(sessions, days, minimum_hours=9.0, start=MONDAY):
    """The intensity warnings of an enrollment from ``start`` lasting ``days`` days."""
    return intensity_warnings(sessions, minimum_hours, start_date=start, end_date=start + timedelta(days=days - 1))


def test_week_start_is_the_monday_of_the_iso_week():
    assert week_start(date(2026, 2, 8)) == MONDAY  # a Sunday


def test_three_three_hour_groups_make_nine_hours_a_week():
    assert weekly_hours(schedule(THREE_MORNINGS)) == {MONDAY + timedelta(weeks=w): 9.0 for w in range(4)}


def test_every_kind_of_session_counts_towards_the_weekly_hours():
    sessions = schedule(THREE_MORNINGS, days=7, individual=IndividualPlan())
    assert weekly_hours(sessions) == {MONDAY: 9.83}  # 540 + 50 minutes


def test_weeks_are_counted_in_local_dates():
    sunday_evening = GroupSlot(("sun",), time(19, 0), 120)  # Monday 01:00 UTC
    assert weekly_hours(schedule(sunday_evening, days=7)) == {MONDAY: 2.0}


def test_no_sessions_mean_no_weekly_hours():
    assert weekly_hours([]) == {}


def test_a_week_below_nine_hours_is_a_warning():
    sessions = schedule(TWO_MORNINGS, days=7)
    assert warnings_over(sessions, days=7) == [{"week_start": MONDAY, "scheduled_hours": 6.0}]


def test_a_week_of_exactly_nine_hours_is_no_warning():
    assert warnings_over(schedule(THREE_MORNINGS), days=28) == []


def test_a_lower_minimum_can_be_given_for_adolescent_programs():
    assert warnings_over(schedule(TWO_MORNINGS), days=28, minimum_hours=6.0) == []


def test_partial_first_and_last_weeks_are_not_judged():
    thursday, next_next_tuesday = date(2026, 2, 5), date(2026, 2, 17)
    sessions = generate_sessions(thursday, next_next_tuesday, CHICAGO, THREE_MORNINGS, None, None)
    warnings = intensity_warnings(sessions, 9.0, start_date=thursday, end_date=next_next_tuesday)
    assert warnings == []  # the only full week (Feb 9-15) has 9 hours


def test_a_full_week_inside_the_dates_is_judged_even_when_the_first_week_is_partial():
    thursday, end = date(2026, 2, 5), date(2026, 2, 22)
    sessions = generate_sessions(thursday, end, CHICAGO, TWO_MORNINGS, None, None)
    warnings = intensity_warnings(sessions, 9.0, start_date=thursday, end_date=end)
    assert [w["week_start"] for w in warnings] == [date(2026, 2, 9), date(2026, 2, 16)]


def test_a_full_week_without_any_session_is_reported_with_zero_hours():
    sessions = [s for s in schedule(THREE_MORNINGS, days=21) if week_start(s.local_date) != date(2026, 2, 9)]
    warnings = intensity_warnings(sessions, 9.0, start_date=MONDAY, end_date=date(2026, 2, 22))
    assert warnings == [{"week_start": date(2026, 2, 9), "scheduled_hours": 0.0}]


def test_a_range_shorter_than_a_full_week_is_not_judged():
    assert warnings_over([], days=6) == []
