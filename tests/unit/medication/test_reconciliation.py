"""Discharge reconciliation: the active list at current doses, recent changes marked, its event."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.medication.domain.orders import adjust, discontinue, new_order
from services.medication.domain.reconciliation import complete_reconciliation, reconcile, render_text
from shared.events.registry import DomainEvent

DISCHARGE = date(2025, 5, 30)
CLINICIAN = "mpls:front-end"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.utc)


def an_order(medication="Sertraline", dose="50 mg", start=date(2025, 3, 3), order_id="o-1", **extra):
    fields = {"patient_id": "p-1", "medication": medication, "dose": dose, "route": "oral",
              "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": start, **extra}
    order, _ = new_order(order_id, fields, at(start), CLINICIAN)
    return order


def adjusted(order, dose, when, reason="low mood"):
    changes, _ = adjust(order, dose, reason, when, CLINICIAN)
    return {**order, **changes}


def discontinued(order, when):
    changes, _ = discontinue(order, "sedation", when, CLINICIAN)
    return {**order, **changes}


def only(entries):
    assert len(entries) == 1
    return entries[0]


# --- what is listed -----------------------------------------------------------

def test_an_active_order_is_listed_at_its_current_dose():
    order = adjusted(an_order(dose="50 mg"), "100 mg", at(date(2025, 4, 1)))

    assert only(reconcile([order], DISCHARGE))["dose"] == "100 mg"


def test_a_discontinued_order_is_left_out():
    kept = an_order("Sertraline", order_id="o-kept")
    stopped = discontinued(an_order("Quetiapine", order_id="o-stopped"), at(date(2025, 4, 1)))

    assert [e["order_id"] for e in reconcile([kept, stopped], DISCHARGE)] == ["o-kept"]


def test_no_active_order_gives_an_empty_list():
    stopped = discontinued(an_order(), at(date(2025, 4, 1)))

    assert reconcile([stopped], DISCHARGE) == []


def test_entries_are_sorted_by_medication_name_ignoring_case():
    orders = [an_order("sertraline", order_id="o-1"), an_order("Bupropion", order_id="o-2"),
              an_order("naltrexone", order_id="o-3")]

    assert [e["medication"] for e in reconcile(orders, DISCHARGE)] == ["Bupropion", "naltrexone", "sertraline"]


def test_an_entry_carries_what_the_next_prescriber_needs():
    order = an_order()

    assert only(reconcile([order], DISCHARGE)) == {
        "order_id": "o-1", "medication": "Sertraline", "dose": "50 mg", "route": "oral",
        "frequency": "once daily", "prescriber": "Dr. Okafor", "start_date": date(2025, 3, 3),
        "recently_changed": False, "last_change": None,
    }


def test_rxnorm_and_indication_appear_only_when_known():
    entry = only(reconcile([an_order(rxnorm="36437", indication="depression")], DISCHARGE))

    assert (entry["rxnorm"], entry["indication"]) == ("36437", "depression")


def test_the_last_change_is_the_latest_adjustment_without_its_reason_or_author():
    order = an_order(dose="50 mg")
    order = adjusted(order, "100 mg", at(date(2025, 4, 1)))
    order = adjusted(order, "150 mg", at(date(2025, 5, 2)))

    assert only(reconcile([order], DISCHARGE))["last_change"] == {
        "at": at(date(2025, 5, 2)), "action": "adjusted", "from_dose": "100 mg", "to_dose": "150 mg"}


# --- recent changes -----------------------------------------------------------

def test_an_order_started_within_the_window_is_marked_recent():
    assert only(reconcile([an_order(start=date(2025, 5, 20))], DISCHARGE))["recently_changed"] is True


def test_an_order_adjusted_within_the_window_is_marked_recent():
    order = adjusted(an_order(start=date(2025, 3, 3)), "100 mg", at(date(2025, 5, 25)))

    assert only(reconcile([order], DISCHARGE))["recently_changed"] is True


def test_an_order_unchanged_since_before_the_window_is_not_marked():
    order = adjusted(an_order(start=date(2025, 3, 3)), "100 mg", at(date(2025, 4, 1)))

    assert only(reconcile([order], DISCHARGE))["recently_changed"] is False


@pytest.mark.parametrize("start, recent", [(date(2025, 5, 16), True), (date(2025, 5, 15), False)])
def test_the_window_reaches_back_exactly_recent_days_from_discharge(start, recent):
    assert only(reconcile([an_order(start=start)], DISCHARGE))["recently_changed"] is recent


def test_a_change_on_the_discharge_day_is_recent():
    order = adjusted(an_order(), "100 mg", at(DISCHARGE))

    assert only(reconcile([order], DISCHARGE))["recently_changed"] is True


def test_a_change_recorded_after_discharge_is_still_marked():
    order = adjusted(an_order(), "100 mg", at(DISCHARGE + timedelta(days=1)), "late entry")

    assert only(reconcile([order], DISCHARGE))["recently_changed"] is True


def test_the_window_length_can_be_changed():
    order = an_order(start=date(2025, 5, 20))

    assert only(reconcile([order], DISCHARGE, recent_days=7))["recently_changed"] is False


def test_the_site_timezone_decides_the_day_of_an_adjustment():
    # 02:00 UTC on 16 May is the evening of 15 May in Minneapolis: one day outside the window.
    order = adjusted(an_order(), "100 mg", datetime(2025, 5, 16, 2, 0, tzinfo=timezone.utc))

    entry = only(reconcile([order], DISCHARGE, tz=ZoneInfo("America/Chicago")))

    assert entry["recently_changed"] is False


# --- printable list -----------------------------------------------------------

def test_the_printed_list_marks_recent_changes_with_a_star():
    orders = [an_order("Bupropion", dose="150 mg", order_id="o-1"),
              an_order("Sertraline", dose="50 mg", start=date(2025, 5, 20), order_id="o-2")]

    text = render_text(reconcile(orders, DISCHARGE))

    assert "\n* Sertraline 50 mg, oral, once daily\n" in text


def test_the_printed_list_leaves_unchanged_medications_unmarked():
    text = render_text(reconcile([an_order("Bupropion", dose="150 mg")], DISCHARGE))

    assert "\n  Bupropion 150 mg, oral, once daily\n" in text


def test_the_printed_list_names_each_order_id():
    text = render_text(reconcile([an_order(), an_order("Bupropion", order_id="o-2")], DISCHARGE))

    assert ("order o-1" in text, "order o-2" in text) == (True, True)


def test_the_printed_list_shows_the_last_dose_change():
    order = adjusted(an_order(dose="50 mg"), "100 mg", at(date(2025, 5, 25)))

    assert "dose changed 2025-05-25 from 50 mg to 100 mg" in render_text(reconcile([order], DISCHARGE))


def test_the_printed_list_carries_no_patient_identifier():
    text = render_text(reconcile([an_order()], DISCHARGE))

    assert "p-1" not in text


def test_an_empty_reconciliation_prints_as_no_active_medications():
    assert "No active medications." in render_text([])


# --- completion ---------------------------------------------------------------

DISCHARGED = {"enrollment_id": "e-1", "patient_id": "p-1", "outcome": "against_advice", "discharge_date": DISCHARGE,
              "program": "mh-adult", "start_date": date(2025, 3, 3), "step_down": None}


def test_a_completed_reconciliation_keeps_the_enrollment_its_outcome_and_the_list():
    kept = an_order(order_id="o-kept")
    stopped = discontinued(an_order("Quetiapine", order_id="o-stopped"), at(date(2025, 4, 1)))

    reconciliation, _ = complete_reconciliation("r-1", DISCHARGED, [kept, stopped], at(DISCHARGE, 20))

    assert {key: value for key, value in reconciliation.items() if key != "medications"} == {
        "_id": "r-1", "enrollment_id": "e-1", "patient_id": "p-1", "outcome": "against_advice",
        "discharge_date": DISCHARGE, "completed_at": at(DISCHARGE, 20)}
    assert [entry["order_id"] for entry in reconciliation["medications"]] == ["o-kept"]


def test_a_completed_reconciliation_emits_its_ids_and_the_count_only():
    _, events = complete_reconciliation("r-1", DISCHARGED, [an_order("Sertraline", order_id="o-1"),
                                                            an_order("Bupropion", order_id="o-2")], at(DISCHARGE))

    assert events == [DomainEvent("medication.reconciliation.completed", 1, {
        "reconciliation_id": "r-1", "enrollment_id": "e-1", "patient_id": "p-1", "medication_count": 2})]
