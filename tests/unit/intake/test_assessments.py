"""Scoring PHQ-9 and GAD-7, progress against a baseline (response and remission where the measures
define them), and the per-instrument summary of an episode. The C-SSRS screener, PCL-5 and AUDIT are
tested in test_instruments.py."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.intake.domain.assessments import (
    REGISTRY,
    Episode,
    Instrument,
    SeverityBand,
    _check_instrument,
    progress,
    record,
    score,
    summarize_history,
)
from shared.errors import Invalid


# Item lists are written out so that each total is checked by hand, not by the code under test.
@pytest.mark.parametrize(
    "items, total, severity",
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),
    ],
)
def test_phq9_total_falls_in_its_severity_band(items, total, severity):
    result = score("PHQ-9", items)
    assert (result.total_score, result.severity) == (total, severity)


@pytest.mark.parametrize(
    "items, total, severity",
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([2, 2, 0, 0, 0, 0, 0], 4, "minimal"),
        ([2, 2, 1, 0, 0, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    ],
)
def test_gad7_total_falls_in_its_severity_band(items, total, severity):
    result = score("GAD-7", items)
    assert (result.total_score, result.severity) == (total, severity)


def test_score_names_the_instrument_scored():
    assert score("GAD-7", [0] * 7).instrument == "GAD-7"


def test_score_accepts_a_tuple_of_items():
    assert score("GAD-7", (1, 1, 1, 1, 1, 1, 1)).total_score == 7


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_answer_above_zero_on_phq9_item_9_raises_suicidal_ideation(item9):
    assert score("PHQ-9", [0] * 8 + [item9]).risk_flags == ["suicidal_ideation"]


def test_phq9_item_9_at_zero_raises_no_flag_even_when_severe():
    assert score("PHQ-9", [3] * 8 + [0]).risk_flags == []


def test_only_item_9_drives_the_flag_not_item_8():
    assert score("PHQ-9", [0] * 7 + [3, 0]).risk_flags == []


def test_gad7_never_raises_a_risk_flag():
    assert score("GAD-7", [3] * 7).risk_flags == []


def test_recording_without_a_risk_flag_decides_the_recorded_event_only():
    _, events = record("a-1", "p-1", None, "PHQ-9", [3] * 8 + [0])
    assert [(event.event_type, event.payload["total_score"]) for event in events] == [
        ("intake.assessment.recorded", 24)]


def test_recording_with_a_risk_flag_also_decides_the_risk_flagged_event():
    _, events = record("a-1", "p-1", "e-1", "PHQ-9", [0] * 8 + [1])
    assert [event.event_type for event in events] == ["intake.assessment.recorded", "intake.risk.flagged"]
    assert events[1].payload == {"assessment_id": "a-1", "patient_id": "p-1", "enrollment_id": "e-1",
                                 "instrument": "PHQ-9", "risk_flags": ["suicidal_ideation"], "risk_level": None}


def _errors(call, *args):
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.errors


@pytest.mark.parametrize("code", ["PHQ-2", "phq-9", "", None, 9])
def test_unknown_instrument_is_refused_on_the_instrument_field(code):
    assert list(_errors(score, code, [0] * 9)) == ["instrument"]


def test_too_few_items_are_refused():
    assert _errors(score, "PHQ-9", [0] * 8) == {"item_scores": ["PHQ-9 needs exactly 9 items, got 8"]}


def test_too_many_items_are_refused():
    assert _errors(score, "GAD-7", [0] * 9) == {"item_scores": ["GAD-7 needs exactly 7 items, got 9"]}


def test_an_empty_list_is_refused():
    assert _errors(score, "GAD-7", []) == {"item_scores": ["GAD-7 needs exactly 7 items, got 0"]}


@pytest.mark.parametrize("not_a_list", [None, "0000000", 7, {"a": 1}])
def test_item_scores_that_are_not_a_list_are_refused(not_a_list):
    assert _errors(score, "GAD-7", not_a_list) == {"item_scores": ["must be a list of integers"]}


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None])
def test_a_non_integer_item_is_refused_by_its_1_based_number(bad):
    items = [0, 0, bad, 0, 0, 0, 0]
    assert _errors(score, "GAD-7", items) == {"item_scores": ["item 3 must be an integer"]}


@pytest.mark.parametrize("bad", [-1, 4, 100])
def test_an_item_outside_0_to_3_is_refused(bad):
    items = [0] * 8 + [bad]
    assert _errors(score, "PHQ-9", items) == {"item_scores": ["item 9 must be between 0 and 3"]}


def test_every_item_problem_is_reported_at_once():
    errors = _errors(score, "GAD-7", [4, "x", 0])
    assert errors == {
        "item_scores": [
            "GAD-7 needs exactly 7 items, got 3",
            "item 1 must be between 0 and 3",
            "item 2 must be an integer",
        ]
    }


def test_registry_holds_phq9_gad7_the_cssrs_screener_pcl5_and_audit():
    assert list(REGISTRY) == ["PHQ-9", "GAD-7", "C-SSRS", "PCL-5", "AUDIT"]


def test_a_registry_entry_with_a_gap_between_bands_is_refused():
    gappy = Instrument("X-2", 2, (SeverityBand(0, 2, "low"), SeverityBand(4, 6, "high")), 2)
    with pytest.raises(ValueError):
        _check_instrument(gappy)


def test_a_registry_entry_whose_bands_stop_short_of_the_maximum_is_refused():
    short = Instrument("X-2", 2, (SeverityBand(0, 5, "all"),), 2)
    with pytest.raises(ValueError):
        _check_instrument(short)


def test_a_new_instrument_is_scored_from_its_data_alone(monkeypatch):
    two_items = _check_instrument(
        Instrument("X-2", 2, (SeverityBand(0, 2, "low"), SeverityBand(3, 6, "high")), 3)
    )
    monkeypatch.setitem(REGISTRY, "X-2", two_items)
    assert score("X-2", [1, 2]).severity == "high"


# --- progress ---------------------------------------------------------------------------

def test_progress_reports_change_as_latest_minus_baseline():
    result = progress(20, 8, "PHQ-9")
    assert (result.baseline, result.latest, result.change) == (20, 8, -12)


def test_progress_reports_percent_change_rounded_to_one_decimal():
    assert progress(3, 2, "PHQ-9").percent_change == -33.3


def test_a_worsening_has_a_positive_percent_change():
    assert progress(10, 15, "PHQ-9").percent_change == 50.0


def test_a_drop_of_exactly_half_is_a_response():
    assert progress(20, 10, "PHQ-9").response is True


def test_a_drop_of_just_under_half_is_not_a_response():
    # 11 is 45% below 20
    assert progress(20, 11, "PHQ-9").response is False


def test_half_of_an_odd_baseline_rounds_against_response():
    # 11 -> 6 is a 45.5% drop; 11 -> 5 is 54.5%
    assert (progress(11, 6, "PHQ-9").response, progress(11, 5, "PHQ-9").response) == (False, True)


def test_a_gad7_baseline_of_zero_never_responds():
    result = progress(0, 0, "GAD-7")
    assert (result.response, result.percent_change) == (False, None)


def test_a_phq9_baseline_of_10_measures_response_and_remission():
    result = progress(10, 4, "PHQ-9")
    assert (result.response, result.remission, result.not_applicable_reason) == (True, True, None)


@pytest.mark.parametrize("baseline", [0, 9])
def test_below_a_phq9_baseline_of_10_response_and_remission_are_not_applicable_and_say_why(baseline):
    result = progress(baseline, 0, "PHQ-9")
    assert (result.response, result.remission, result.not_applicable_reason) == (
        None, None, "baseline PHQ-9 below 10")


def test_below_a_phq9_baseline_of_10_the_change_is_still_reported():
    result = progress(9, 3, "PHQ-9")
    assert (result.change, result.percent_change) == (-6, -66.7)


@pytest.mark.parametrize("instrument, baseline, latest", [("PCL-5", 50, 20), ("AUDIT", 22, 6)])
def test_pcl5_and_audit_report_change_but_no_response_or_remission(instrument, baseline, latest):
    result = progress(baseline, latest, instrument)
    assert (result.change, result.response, result.remission, result.not_applicable_reason) == (
        latest - baseline, None, None, f"no response or remission measure is defined for {instrument}")


def test_phq9_latest_of_4_is_remission():
    assert progress(18, 4, "PHQ-9").remission is True


def test_phq9_latest_of_5_is_not_remission():
    assert progress(18, 5, "PHQ-9").remission is False


def test_gad7_uses_below_5_for_remission():
    assert (progress(15, 4, "GAD-7").remission, progress(15, 5, "GAD-7").remission) == (True, False)


def test_remission_depends_on_the_latest_total_only():
    assert progress(3, 3, "GAD-7").remission is True


def test_progress_refuses_an_unknown_instrument():
    assert list(_errors(progress, 10, 5, "BDI")) == ["instrument"]


def test_progress_refuses_totals_beyond_the_instruments_maximum():
    assert list(_errors(progress, 22, 5, "GAD-7")) == ["baseline_total"]


def test_progress_refuses_negative_and_non_integer_totals():
    assert sorted(_errors(progress, -1, True, "PHQ-9")) == ["baseline_total", "latest_total"]


# --- summarize_history ------------------------------------------------------------------

UTC = timezone.utc
START = date(2025, 3, 3)
# Without a window only assessments from admission on are the episode's.
EPISODE = Episode("e-1", START, baseline_window_days=0)


def _at(day: int, hour: int = 12, tz=UTC, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=tz)


def _a(instrument, total, at, enrollment_id=None):
    return {"instrument": instrument, "total_score": total, "administered_at": at, "enrollment_id": enrollment_id}


def test_baseline_is_the_first_assessment_on_or_after_the_enrollment_start():
    history = [_a("PHQ-9", 22, _at(1)), _a("PHQ-9", 18, _at(3)), _a("PHQ-9", 9, _at(20))]
    [summary] = summarize_history(history, EPISODE)
    assert (summary["baseline"], summary["baseline_source"]) == (18, "enrollment")


def test_an_evaluation_within_the_window_before_admission_is_the_baseline():
    history = [_a("PHQ-9", 22, _at(1)), _a("PHQ-9", 18, _at(3)), _a("PHQ-9", 9, _at(20))]
    [summary] = summarize_history(history, Episode("e-1", START, baseline_window_days=30))
    assert (summary["baseline"], summary["baseline_source"]) == (22, "pre_admission_evaluation")


def test_an_evaluation_one_day_outside_the_window_is_not_the_baseline():
    # 30 days before 3 March is 1 February; 31 January is outside.
    history = [_a("PHQ-9", 22, _at(31, month=1)), _a("PHQ-9", 18, _at(3))]
    [summary] = summarize_history(history, Episode("e-1", START, baseline_window_days=30))
    assert summary["baseline"] == 18
    [on_the_edge] = summarize_history([_a("PHQ-9", 22, _at(1, month=2)), _a("PHQ-9", 18, _at(3))],
                                      Episode("e-1", START, baseline_window_days=30))
    assert on_the_edge["baseline"] == 22


def test_an_assessment_naming_the_enrollment_belongs_to_its_episode_whenever_it_was_given():
    history = [_a("PHQ-9", 21, _at(1, month=1), enrollment_id="e-1"), _a("PHQ-9", 18, _at(3))]
    [summary] = summarize_history(history, EPISODE)
    assert summary["baseline"] == 21


def test_an_assessment_naming_another_enrollment_is_not_this_episodes_baseline():
    history = [_a("PHQ-9", 21, _at(4), enrollment_id="e-0"), _a("PHQ-9", 18, _at(5))]
    [summary] = summarize_history(history, EPISODE)
    assert summary["baseline"] == 18


def test_an_assessment_after_the_episode_ended_is_not_its_baseline():
    history = [_a("PHQ-9", 16, _at(20)), _a("PHQ-9", 22, _at(1))]
    [summary] = summarize_history(history, Episode("e-1", START, end=date(2025, 3, 10), baseline_window_days=0))
    assert (summary["baseline"], summary["baseline_source"]) == (22, "first_recorded")


def test_baseline_falls_back_to_the_first_assessment_when_none_is_in_the_episode():
    history = [_a("PHQ-9", 16, _at(2)), _a("PHQ-9", 22, _at(1))]
    [summary] = summarize_history(history, EPISODE)
    assert (summary["baseline"], summary["latest"], summary["baseline_source"]) == (22, 16, "first_recorded")


def test_without_an_episode_the_baseline_is_the_first_assessment():
    history = [_a("PHQ-9", 9, _at(20)), _a("PHQ-9", 22, _at(1))]
    [summary] = summarize_history(history, None)
    assert (summary["baseline"], summary["baseline_source"]) == (22, "first_recorded")


def test_latest_is_the_most_recent_regardless_of_input_order():
    history = [_a("GAD-7", 4, _at(25)), _a("GAD-7", 15, _at(4)), _a("GAD-7", 10, _at(10))]
    [summary] = summarize_history(history, EPISODE)
    assert summary["latest"] == 4


def test_summary_carries_change_response_remission_and_count():
    history = [_a("PHQ-9", 20, _at(3)), _a("PHQ-9", 12, _at(10)), _a("PHQ-9", 4, _at(24))]
    [summary] = summarize_history(history, EPISODE)
    assert {k: summary[k] for k in ("instrument", "change", "response", "remission", "not_applicable_reason",
                                    "count")} == {
        "instrument": "PHQ-9", "change": -16, "response": True, "remission": True, "not_applicable_reason": None,
        "count": 3,
    }


def test_a_summary_from_a_phq9_baseline_below_10_says_why_response_and_remission_are_null():
    [summary] = summarize_history([_a("PHQ-9", 8, _at(3)), _a("PHQ-9", 2, _at(24))], EPISODE)
    assert {k: summary[k] for k in ("response", "remission", "not_applicable_reason")} == {
        "response": None, "remission": None, "not_applicable_reason": "baseline PHQ-9 below 10"}


def test_each_instrument_is_summarised_separately_in_registry_order():
    history = [_a("GAD-7", 12, _at(3)), _a("PHQ-9", 15, _at(3)), _a("GAD-7", 6, _at(17))]
    summaries = summarize_history(history, EPISODE)
    assert [(s["instrument"], s["count"]) for s in summaries] == [("PHQ-9", 1), ("GAD-7", 2)]


def test_the_cssrs_screen_is_left_out_of_progress():
    history = [_a("C-SSRS", 2, _at(3)), _a("PCL-5", 40, _at(3))]
    assert [s["instrument"] for s in summarize_history(history, EPISODE)] == ["PCL-5"]


def test_a_single_assessment_is_both_baseline_and_latest():
    [summary] = summarize_history([_a("PHQ-9", 12, _at(5))], EPISODE)
    assert (summary["baseline"], summary["latest"], summary["change"]) == (12, 12, 0)


def test_no_assessments_give_no_summaries():
    assert summarize_history([], EPISODE) == []


def test_the_start_date_is_compared_in_the_sites_timezone_when_given():
    chicago = timezone(timedelta(hours=-6))
    # 03:00 UTC on 3 March is still 2 March in Chicago: before the start, so not the baseline.
    history = [_a("PHQ-9", 20, datetime(2025, 3, 3, 3, tzinfo=UTC)), _a("PHQ-9", 14, _at(4))]
    [summary] = summarize_history(history, EPISODE, tz=chicago)
    assert summary["baseline"] == 14


def test_without_a_timezone_each_instant_uses_its_own_offset():
    history = [_a("PHQ-9", 20, datetime(2025, 3, 3, 3, tzinfo=UTC)), _a("PHQ-9", 14, _at(4))]
    [summary] = summarize_history(history, EPISODE)
    assert summary["baseline"] == 20


def test_a_naive_administered_at_is_refused():
    with pytest.raises(ValueError):
        summarize_history([_a("PHQ-9", 5, datetime(2025, 3, 3, 12))], EPISODE)


def test_an_unknown_instrument_in_the_history_is_refused():
    with pytest.raises(Invalid):
        summarize_history([_a("BDI", 5, _at(3))], EPISODE)
