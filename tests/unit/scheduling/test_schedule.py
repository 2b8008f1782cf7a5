from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.schedule import IndividualPlan, MedCheckPlan, generate_sessions
from shared.errors import Invalid

CHICAGO = "America/Chicago"
MWF_MORNINGS = GroupSlot(("mon", "wed", "fri"), time(9, 0), 180)
MONDAY = date(2026, 2, 2)


def only_groups(start, end, group=MWF_MORNINGS, timezone=CHICAGO):
    return generate_sessions(start, end, timezone, group, individual=None, med_check=None)


def kinds(sessions) -> Counter:
    return Counter(session.kind for session in sessions)


def test_four_weeks_of_a_three_day_group_make_twelve_group_sessions():
    sessions = only_groups(MONDAY, MONDAY + timedelta(days=27))
    assert kinds(sessions) == {"group": 12}


def test_group_sessions_fall_only_on_the_group_weekdays():
    sessions = only_groups(MONDAY, MONDAY + timedelta(days=27))
    assert {session.local_date.strftime("%a") for session in sessions} == {"Mon", "Wed", "Fri"}


def test_start_and_end_dates_are_both_included():
    wednesday, next_monday = date(2026, 2, 4), date(2026, 2, 9)
    dates = [session.local_date for session in only_groups(wednesday, next_monday)]
    assert dates == [wednesday, date(2026, 2, 6), next_monday]


def test_a_one_day_enrollment_on_a_group_day_has_one_session():
    assert len(only_groups(MONDAY, MONDAY)) == 1


def test_an_end_date_before_the_start_date_is_refused():
    with pytest.raises(Invalid) as raised:
        only_groups(MONDAY, MONDAY - timedelta(days=1))
    assert list(raised.value.errors) == ["end_date"]


def test_an_unknown_timezone_is_a_configuration_error():
    with pytest.raises(ValueError):
        only_groups(MONDAY, MONDAY, timezone="Mars/Olympus_Mons")


def test_sessions_are_aware_utc_datetimes():
    session = only_groups(MONDAY, MONDAY)[0]
    assert session.starts_at.utcoffset() == timedelta(0)


def test_a_session_lasts_the_group_duration():
    session = only_groups(MONDAY, MONDAY)[0]
    assert session.ends_at - session.starts_at == timedelta(minutes=180)


def test_a_9am_chicago_session_in_winter_starts_at_15_utc():
    assert only_groups(MONDAY, MONDAY)[0].starts_at == datetime(2026, 2, 2, 15, 0, tzinfo=UTC)


def test_the_spring_dst_change_keeps_local_9am_and_moves_utc_an_hour_earlier():
    friday_before, monday_after = only_groups(date(2026, 3, 6), date(2026, 3, 9))
    assert friday_before.starts_at == datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # CST, -06:00
    assert monday_after.starts_at == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # CDT, -05:00


def test_the_autumn_dst_change_keeps_local_9am_and_moves_utc_an_hour_later():
    friday_before, monday_after = only_groups(date(2026, 10, 30), date(2026, 11, 2))
    assert friday_before.starts_at == datetime(2026, 10, 30, 14, 0, tzinfo=UTC)  # CDT, -05:00
    assert monday_after.starts_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # CST, -06:00


def test_a_session_on_the_day_of_the_spring_change_uses_the_new_offset():
    sunday_group = GroupSlot(("sun",), time(9, 0), 60)
    (session,) = only_groups(date(2026, 3, 8), date(2026, 3, 8), group=sunday_group)
    assert session.starts_at == datetime(2026, 3, 8, 14, 0, tzinfo=UTC)


def test_a_local_time_skipped_by_the_spring_change_moves_one_hour_later():
    at_0230 = GroupSlot(("sun",), time(2, 30), 60)
    (session,) = only_groups(date(2026, 3, 8), date(2026, 3, 8), group=at_0230)
    assert session.starts_at == datetime(2026, 3, 8, 8, 30, tzinfo=UTC)  # 03:30 CDT


def test_a_local_time_repeated_by_the_autumn_change_means_its_first_occurrence():
    at_0130 = GroupSlot(("sun",), time(1, 30), 60)
    (session,) = only_groups(date(2026, 11, 1), date(2026, 11, 1), group=at_0130)
    assert session.starts_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CDT


def test_a_session_spanning_the_autumn_change_lasts_its_duration_in_real_time():
    overnight = GroupSlot(("sun",), time(0, 30), 180)
    (session,) = only_groups(date(2026, 11, 1), date(2026, 11, 1), group=overnight)
    assert session.ends_at - session.starts_at == timedelta(hours=3)


def test_an_evening_session_keeps_its_local_date_when_utc_is_already_the_next_day():
    evenings = GroupSlot(("mon",), time(19, 0), 180)
    (session,) = only_groups(MONDAY, MONDAY, group=evenings)
    assert (session.local_date, session.starts_at.date()) == (MONDAY, date(2026, 2, 3))


def test_the_same_local_time_gives_different_utc_times_at_different_sites():
    (chicago,) = only_groups(MONDAY, MONDAY)
    (new_york,) = only_groups(MONDAY, MONDAY, timezone="America/New_York")
    assert chicago.starts_at - new_york.starts_at == timedelta(hours=1)


def test_by_default_there_is_one_individual_session_a_week_on_tuesday_at_1pm_for_50_minutes():
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, None, med_check=None)
    assert [(s.local_date.strftime("%a"), s.starts_at.hour, s.minutes) for s in sessions] == [
        ("Tue", 19, 50)
    ] * 4


def test_by_default_there_is_a_30_minute_medication_check_in_every_two_weeks_on_thursday():
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, None, individual=None)
    assert [(s.local_date, s.minutes) for s in sessions] == [(date(2026, 2, 5), 30), (date(2026, 2, 19), 30)]


def test_a_default_schedule_mixes_the_three_kinds():
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, MWF_MORNINGS)
    assert kinds(sessions) == {"group": 12, "individual_therapy": 4, "medication_check_in": 2}


def test_sessions_come_back_in_chronological_order():
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, MWF_MORNINGS)
    assert sessions == sorted(sessions, key=lambda s: s.starts_at)


def test_a_recurrence_starts_on_the_first_matching_day_on_or_after_the_start_date():
    friday = date(2026, 2, 6)
    fortnightly = IndividualPlan(weekdays=("tue",), every_weeks=2)
    sessions = generate_sessions(friday, friday + timedelta(days=30), CHICAGO, None, fortnightly, None)
    assert [s.local_date for s in sessions] == [date(2026, 2, 10), date(2026, 2, 24)]


def test_individual_sessions_follow_the_configured_weekday_time_and_duration():
    plan = IndividualPlan(weekdays=("fri",), start_time=time(15, 30), duration_minutes=60)
    (session,) = generate_sessions(MONDAY, MONDAY + timedelta(days=6), CHICAGO, None, plan, None)
    assert (session.local_date, session.starts_at, session.minutes) == (
        date(2026, 2, 6), datetime(2026, 2, 6, 21, 30, tzinfo=UTC), 60)


def test_a_weekly_medication_check_in_can_be_configured():
    weekly = MedCheckPlan(every_weeks=1)
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, None, None, weekly)
    assert len(sessions) == 4


def test_no_group_and_no_plans_make_no_sessions():
    assert generate_sessions(MONDAY, MONDAY + timedelta(days=27), CHICAGO, None, None, None) == []


def test_an_individual_plan_with_an_unknown_weekday_is_refused():
    with pytest.raises(Invalid) as raised:
        IndividualPlan(weekdays=("someday",))
    assert list(raised.value.errors) == ["individual.weekdays"]


def test_an_individual_plan_naming_a_day_twice_is_refused():
    with pytest.raises(Invalid) as raised:
        IndividualPlan(weekdays=("tue", "tue"))
    assert list(raised.value.errors) == ["individual.weekdays"]


def test_two_individual_sessions_a_week_fall_on_each_of_their_days():
    plan = IndividualPlan(weekdays=("tue", "fri"))
    sessions = generate_sessions(MONDAY, MONDAY + timedelta(days=13), CHICAGO, None, plan, None)
    assert [s.local_date.strftime("%a") for s in sessions] == ["Tue", "Fri", "Tue", "Fri"]


def test_a_medication_plan_repeating_every_zero_weeks_is_refused():
    with pytest.raises(Invalid) as raised:
        MedCheckPlan(every_weeks=0)
    assert list(raised.value.errors) == ["med_check.every_weeks"]
