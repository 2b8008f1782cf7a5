"""The census range and its counts."""
from datetime import date

import pytest

from services.intake.domain.census import census, census_range
from shared.errors import Invalid

TODAY = date(2026, 11, 26)
PROGRAMS = ("mh-adult", "sud-adult", "adolescent")  # a site's catalog codes


def test_the_default_range_is_the_30_days_ending_today():
    assert census_range(TODAY) == (date(2026, 10, 28), TODAY)


def test_a_range_given_only_its_end_starts_29_days_before_it():
    assert census_range(TODAY, end=date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))


def test_a_range_given_only_its_start_ends_today():
    assert census_range(TODAY, start=date(2026, 11, 1)) == (date(2026, 11, 1), TODAY)


def test_a_one_day_range_is_allowed():
    assert census_range(TODAY, TODAY, TODAY) == (TODAY, TODAY)


def test_a_range_may_reach_into_the_future():
    assert census_range(TODAY, date(2026, 11, 1), date(2026, 11, 30))[1] == date(2026, 11, 30)


def test_a_range_that_starts_after_it_ends_is_invalid_on_from():
    with pytest.raises(Invalid) as caught:
        census_range(TODAY, date(2026, 11, 2), date(2026, 11, 1))
    assert list(caught.value.errors) == ["from"]


def test_a_range_of_a_leap_year_is_allowed_and_one_day_more_is_not():
    assert census_range(TODAY, date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(Invalid) as caught:
        census_range(TODAY, date(2024, 1, 1), date(2025, 1, 1))
    assert list(caught.value.errors) == ["from"]


def test_active_enrollments_and_admissions_are_counted_by_the_sites_programs_with_zeros():
    counts = census(PROGRAMS, ["mh-adult", "mh-adult", "sud-adult"], ["adolescent"], [])
    assert counts["active"] == {"total": 3, "by_program": {"mh-adult": 2, "sud-adult": 1, "adolescent": 0}}
    assert counts["admissions"] == {"total": 1, "by_program": {"mh-adult": 0, "sud-adult": 0, "adolescent": 1}}


def test_discharges_are_counted_by_every_outcome_death_and_incarcerated_included_with_zeros():
    counts = census(PROGRAMS, [], [], ["completed", "completed", "transferred", "death", "incarcerated"])
    assert counts["discharges"] == {"total": 5, "by_outcome": {
        "completed": 2, "against_advice": 0, "administrative": 0, "transferred": 1, "other": 0, "death": 1,
        "incarcerated": 1}}


def test_a_program_no_longer_in_the_catalog_is_still_counted():
    assert census(PROGRAMS, ["residential"], [], [])["active"]["by_program"]["residential"] == 1
