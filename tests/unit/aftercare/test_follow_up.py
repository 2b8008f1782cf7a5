"""Follow-up after discharge (iop_follow_up): the 7- and 30-day windows, overdue follow-ups, where
visits come from, exclusions and per-site rates."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.aftercare.domain.follow_up import (
    follow_up_rates,
    follow_up_status,
    measure_exclusion,
    overdue,
    recorded_visit,
    visit_log,
)
from shared.errors import Invalid

DISCHARGE = date(2025, 5, 23)
NOW = datetime(2025, 6, 2, 17, 0, tzinfo=timezone.utc)


def day(n):
    """The n-th day after the discharge (day 0 is the discharge day itself)."""
    return DISCHARGE + timedelta(days=n)


# --- windows -----------------------------------------------------------------------------


def test_a_visit_on_the_discharge_day_does_not_count_while_the_windows_are_open():
    assert follow_up_status(DISCHARGE, [day(0)], today=day(3)) == {"within_7": None, "within_30": None}


def test_a_visit_on_the_discharge_day_does_not_count_once_the_windows_close():
    assert follow_up_status(DISCHARGE, [day(0)], today=day(31)) == {"within_7": False, "within_30": False}


def test_a_visit_the_day_after_discharge_meets_both_windows():
    assert follow_up_status(DISCHARGE, [day(1)], today=day(1)) == {"within_7": True, "within_30": True}


def test_a_visit_on_the_seventh_day_still_counts_within_seven():
    assert follow_up_status(DISCHARGE, [day(7)], today=day(7))["within_7"] is True


def test_a_visit_on_the_eighth_day_misses_seven_but_meets_thirty():
    assert follow_up_status(DISCHARGE, [day(8)], today=day(8)) == {"within_7": False, "within_30": True}


def test_a_visit_on_the_thirtieth_day_still_counts_within_thirty():
    assert follow_up_status(DISCHARGE, [day(30)], today=day(30))["within_30"] is True


def test_a_visit_on_the_thirty_first_day_misses_thirty():
    assert follow_up_status(DISCHARGE, [day(31)], today=day(31))["within_30"] is False


def test_a_visit_before_the_discharge_does_not_count():
    assert follow_up_status(DISCHARGE, [day(-2)], today=day(40)) == {"within_7": False, "within_30": False}


def test_with_no_visit_yet_both_windows_stay_open():
    assert follow_up_status(DISCHARGE, [], today=day(2)) == {"within_7": None, "within_30": None}


def test_the_seven_day_window_is_still_open_on_its_last_day():
    assert follow_up_status(DISCHARGE, [], today=day(7))["within_7"] is None


def test_the_seven_day_window_closes_unmet_the_day_after_its_last_day():
    assert follow_up_status(DISCHARGE, [], today=day(8)) == {"within_7": False, "within_30": None}


def test_any_one_counting_visit_among_several_meets_the_window():
    assert follow_up_status(DISCHARGE, [day(0), day(12), day(5)], today=day(12))["within_7"] is True


# --- overdue -----------------------------------------------------------------------------


def test_an_unattended_follow_up_is_not_overdue_on_its_due_date():
    assert overdue(DISCHARGE, day(5), attended=False, today=day(5)) is False


def test_an_unattended_follow_up_is_overdue_the_day_after_its_due_date():
    assert overdue(DISCHARGE, day(5), attended=False, today=day(6)) is True


def test_an_attended_follow_up_is_never_overdue():
    assert overdue(DISCHARGE, day(5), attended=True, today=day(20)) is False


def test_without_a_due_date_the_follow_up_is_due_seven_days_after_discharge():
    assert (overdue(DISCHARGE, None, False, day(7)), overdue(DISCHARGE, None, False, day(8))) == (False, True)


# --- rates -------------------------------------------------------------------------------


def plan(outcome, within_7, within_30):
    return {"outcome": outcome, "follow_up": {"within_7": within_7, "within_30": within_30}}


def test_rates_count_discharges_and_completions_separately():
    rates = follow_up_rates([plan("completed", True, True), plan("against_advice", False, False)])
    assert (rates["discharges"], rates["completions"]) == (2, 1)


def test_rates_leave_out_a_discharge_whose_window_is_still_open():
    rates = follow_up_rates([plan("completed", True, True), plan("completed", False, None), plan("completed", None, None)])
    assert (rates["eligible_7"], rates["met_7"], rates["eligible_30"], rates["met_30"]) == (2, 1, 1, 1)


def test_a_follow_up_met_early_counts_before_its_window_closes():
    rates = follow_up_rates([plan("completed", True, True)])
    assert (rates["eligible_30"], rates["met_30"]) == (1, 1)


def test_rates_are_met_over_eligible():
    rates = follow_up_rates([plan("completed", True, True), plan("completed", False, True), plan("other", False, False)])
    assert (rates["rate_7"], rates["rate_30"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_a_rate_is_none_when_no_discharge_is_eligible_yet():
    rates = follow_up_rates([plan("completed", None, None)])
    assert (rates["rate_7"], rates["rate_30"]) == (None, None)


def test_rates_over_no_plans_are_all_zero_counts_and_no_rates():
    assert follow_up_rates([]) == {
        "completions": 0,
        "discharges": 0,
        "excluded": {"death": 0, "transfer_to_higher_level": 0},
        "eligible_7": 0,
        "met_7": 0,
        "rate_7": None,
        "open_7": 0,
        "eligible_30": 0,
        "met_30": 0,
        "rate_30": None,
        "open_30": 0,
        "windows": [{"days": 7, "numerator": 0, "denominator": 0, "open": 0, "rate": None},
                    {"days": 30, "numerator": 0, "denominator": 0, "open": 0, "rate": None}],
    }


def test_rates_accept_the_status_that_follow_up_status_computes():
    statuses = [follow_up_status(DISCHARGE, visits, today=day(10)) for visits in ([day(3)], [day(0)], [])]
    rates = follow_up_rates([{"outcome": "completed", "follow_up": status} for status in statuses])
    assert (rates["eligible_7"], rates["met_7"], rates["rate_7"]) == (3, 1, pytest.approx(1 / 3))


# --- iop_follow_up: exclusions and where visits come from ---------------------------------------------


@pytest.mark.parametrize("outcome, level, exclusion", [
    ("death", None, "death"), ("transferred", "php", "transfer_to_higher_level"),
    ("transferred", "residential", "transfer_to_higher_level"), ("transferred", "outpatient_therapy", None),
    ("completed", "php", None), ("incarcerated", None, None)])
def test_only_deaths_and_transfers_to_a_higher_level_of_care_are_excluded(outcome, level, exclusion):
    assert measure_exclusion(outcome, level) == exclusion


def test_an_excluded_discharge_counts_as_an_exclusion_and_in_no_window():
    rates = follow_up_rates([{**plan("death", None, None), "exclusion": "death"}, plan("completed", True, True)])
    assert (rates["excluded"]["death"], rates["eligible_7"], rates["met_7"], rates["open_7"]) == (1, 1, 1, 0)


def test_an_open_window_is_counted_as_open():
    assert follow_up_rates([plan("completed", None, None)])["windows"][0]["open"] == 1


def test_visits_come_from_appointments_completed_referrals_and_staff_in_the_order_they_happened():
    facts = {"visits": {"appt-1": day(9)}, "referral_visits": {"ref-1": day(3)},
             "recorded_visits": {"v-1": {"visited_on": day(5), "kind": "telephone", "provider_id": "prov-1"}}}
    assert [(visit["source"], visit["on"]) for visit in visit_log(facts)] == [
        ("referral", day(3)), ("staff", day(5)), ("appointment", day(9))]


def test_a_recorded_visit_must_be_of_a_known_kind():
    with pytest.raises(Invalid) as refused:
        recorded_visit({"discharge_date": DISCHARGE}, day(2), "carrier_pigeon", None, day(10), "staff", NOW)
    assert list(refused.value.errors) == ["kind"]
