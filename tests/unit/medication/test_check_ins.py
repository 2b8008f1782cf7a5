"""Medication check-ins: what is recorded, the side-effect event, the adherence period and rate."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.medication.domain.check_ins import adherence_period, adherence_rate, highest_severity, new_check_in
from shared.errors import Invalid
from shared.events.registry import DomainEvent

NOW = datetime(2025, 3, 3, 15, 0, tzinfo=timezone.utc)
CLINICIAN = "mpls:front-end"


def check_in_at(at: datetime, adherence: str) -> dict:
    check_in, _ = new_check_in("c-1", {"patient_id": "p-1", "adherence": adherence}, at, CLINICIAN)
    return check_in


def check_in_on(day: date, adherence: str) -> dict:
    return check_in_at(datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc), adherence)


# --- recording ----------------------------------------------------------------

def test_a_check_in_keeps_adherence_side_effects_and_instant_under_its_id():
    check_in, _ = new_check_in("c-1", {"patient_id": "p-1", "adherence": "partial",
                                       "side_effects": [{"name": "nausea", "severity": "mild"}]}, NOW, CLINICIAN)

    assert check_in == {"_id": "c-1", "patient_id": "p-1", "adherence": "partial",
                        "side_effects": [{"name": "nausea", "severity": "mild"}], "checked_in_at": NOW,
                        "recorded_by": CLINICIAN}


def test_side_effects_default_to_none_reported():
    check_in, _ = new_check_in("c-1", {"patient_id": "p-1", "adherence": "taken"}, NOW, CLINICIAN)

    assert check_in["side_effects"] == []


def test_a_check_in_without_side_effects_emits_nothing():
    _, events = new_check_in("c-1", {"patient_id": "p-1", "adherence": "taken", "side_effects": []}, NOW, CLINICIAN)

    assert events == []


def test_a_mild_side_effect_alone_is_reported_too():
    _, events = new_check_in("c-1", {"patient_id": "p-1", "adherence": "taken",
                                     "side_effects": [{"name": "nausea", "severity": "mild"}]}, NOW, CLINICIAN)

    assert events == [DomainEvent("medication.side_effect.reported", 1, {
        "check_in_id": "c-1", "patient_id": "p-1", "severity": "mild", "side_effect_count": 1})]


def test_side_effects_are_reported_with_the_gravest_severity_and_their_count_without_names():
    reported = [{"name": "nausea", "severity": "mild"}, {"name": "rash", "severity": "severe"},
                {"name": "insomnia", "severity": "moderate"}]

    _, [event] = new_check_in("c-1", {"patient_id": "p-1", "adherence": "taken", "side_effects": reported},
                              NOW, CLINICIAN)

    assert event.payload == {"check_in_id": "c-1", "patient_id": "p-1", "severity": "severe", "side_effect_count": 3}


# --- severity of a check-in ---------------------------------------------------

def test_the_gravest_reported_severity_is_the_check_ins_severity():
    reported = [{"name": "nausea", "severity": "mild"}, {"name": "tremor", "severity": "moderate"}]
    assert highest_severity(reported) == "moderate"


def test_a_check_in_without_side_effects_has_no_severity():
    assert highest_severity([]) is None


# --- adherence rate -----------------------------------------------------------

def test_the_rate_counts_a_partial_check_in_as_half_taken():
    check_ins = [check_in_on(date(2025, 3, d), a) for d, a in [(1, "taken"), (2, "taken"), (3, "partial"), (4, "missed")]]

    assert adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 31))["rate"] == pytest.approx(2.5 / 4)


def test_the_rate_reports_each_count():
    check_ins = [check_in_on(date(2025, 3, d), a) for d, a in [(1, "taken"), (2, "partial"), (3, "missed"), (4, "missed")]]

    summary = adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 31))

    assert {k: summary[k] for k in ("check_ins", "taken", "partial", "missed")} == {
        "check_ins": 4, "taken": 1, "partial": 1, "missed": 2}


def test_all_taken_gives_a_rate_of_one():
    check_ins = [check_in_on(date(2025, 3, d), "taken") for d in (1, 2, 3)]

    assert adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 3))["rate"] == 1.0


def test_all_missed_gives_a_rate_of_zero():
    check_ins = [check_in_on(date(2025, 3, d), "missed") for d in (1, 2)]

    assert adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 3))["rate"] == 0.0


def test_no_check_in_in_the_period_gives_no_rate_rather_than_zero():
    summary = adherence_rate([check_in_on(date(2025, 2, 1), "taken")], date(2025, 3, 1), date(2025, 3, 31))

    assert summary == {"check_ins": 0, "taken": 0, "partial": 0, "missed": 0, "rate": None}


def test_the_period_includes_both_its_first_and_last_day():
    check_ins = [check_in_on(date(2025, 3, d), "taken") for d in (1, 15)]

    assert adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 15))["check_ins"] == 2


def test_check_ins_outside_the_period_are_left_out():
    check_ins = [check_in_on(date(2025, 2, 28), "missed"), check_in_on(date(2025, 3, 2), "taken"),
                 check_in_on(date(2025, 3, 16), "missed")]

    assert adherence_rate(check_ins, date(2025, 3, 1), date(2025, 3, 15))["rate"] == 1.0


def test_the_site_timezone_decides_which_day_a_check_in_falls_on():
    # 03:00 UTC on 1 March is still the evening of 28 February in Minneapolis.
    late = check_in_at(datetime(2025, 3, 1, 3, 0, tzinfo=timezone.utc), "taken")

    summary = adherence_rate([late], date(2025, 3, 1), date(2025, 3, 31), tz=ZoneInfo("America/Chicago"))

    assert summary["check_ins"] == 0


def test_a_period_that_ends_before_it_starts_is_a_programming_error():
    with pytest.raises(ValueError):
        adherence_rate([], date(2025, 3, 2), date(2025, 3, 1))


# --- adherence period ---------------------------------------------------------

def test_the_default_period_is_the_last_30_days_including_today():
    assert adherence_period(date(2025, 3, 31), None, None) == (date(2025, 3, 2), date(2025, 3, 31))


def test_a_period_given_only_its_end_reaches_back_30_days_from_it():
    assert adherence_period(date(2025, 3, 31), None, date(2025, 2, 28)) == (date(2025, 1, 30), date(2025, 2, 28))


def test_a_period_that_ends_before_it_starts_is_refused_on_from():
    with pytest.raises(Invalid) as raised:
        adherence_period(date(2025, 3, 31), date(2025, 3, 2), date(2025, 3, 1))

    assert list(raised.value.errors) == ["from"]
