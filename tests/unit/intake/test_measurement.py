"""Re-measurement cadence: a PHQ-9 due every N weeks, a missed one raised once per due date."""
from datetime import date

import pytest

from services.intake.domain.measurement import phq9_due_date, raise_overdue

START = date(2026, 11, 2)
ENROLLMENT = {"_id": "e-1", "patient_id": "p-1", "status": "active", "program": "mh-adult",
              "start_date": START, "planned_end_date": date(2026, 12, 27),
              "periods": [{"program": "mh-adult", "level_of_care": "2.1", "start_date": START, "end_date": None,
                           "reason": None}]}


def test_without_a_cadence_nothing_is_ever_due():
    assert phq9_due_date(None, START, None) is None
    assert raise_overdue(ENROLLMENT, None, None, date(2027, 1, 1)) is None


def test_without_a_phq9_yet_the_first_is_due_the_cadence_after_the_periods_start():
    assert phq9_due_date(2, START, None) == date(2026, 11, 16)


def test_the_next_phq9_is_due_the_cadence_after_the_last_one():
    assert phq9_due_date(2, START, date(2026, 11, 10)) == date(2026, 11, 24)


def test_after_a_change_of_level_of_care_the_cadence_starts_from_the_change_unless_a_phq9_came_since():
    stepped_down = date(2026, 11, 20)
    assert phq9_due_date(1, stepped_down, date(2026, 11, 10)) == date(2026, 11, 27)
    assert phq9_due_date(1, stepped_down, date(2026, 11, 22)) == date(2026, 11, 29)


def test_a_phq9_missed_past_its_due_date_decides_the_overdue_event_and_records_the_due_date():
    changes, [event] = raise_overdue(ENROLLMENT, 2, None, today=date(2026, 11, 17))
    assert (event.event_type, event.payload) == ("intake.measurement.overdue", {
        "enrollment_id": "e-1", "patient_id": "p-1", "instrument": "PHQ-9", "due_date": "2026-11-16"})
    assert changes == {"measurement_overdue": [{"instrument": "PHQ-9", "due_date": date(2026, 11, 16)}]}


def test_on_its_due_day_a_phq9_is_not_overdue_yet():
    assert raise_overdue(ENROLLMENT, 2, None, today=date(2026, 11, 16)) is None


def test_a_missed_phq9_is_raised_once_per_due_date():
    changes, _ = raise_overdue(ENROLLMENT, 2, None, today=date(2026, 11, 17))
    assert raise_overdue({**ENROLLMENT, **changes}, 2, None, today=date(2026, 11, 25)) is None


def test_a_phq9_recorded_late_moves_the_next_due_date_which_may_be_missed_again():
    raised, _ = raise_overdue(ENROLLMENT, 2, None, today=date(2026, 11, 17))
    changes, [event] = raise_overdue({**ENROLLMENT, **raised}, 2, date(2026, 11, 18), today=date(2026, 12, 3))
    assert event.payload["due_date"] == "2026-12-02"
    assert [entry["due_date"] for entry in changes["measurement_overdue"]] == [date(2026, 11, 16), date(2026, 12, 2)]


@pytest.mark.parametrize("status", ["completed", "discharged"])
def test_an_ended_enrollment_has_nothing_overdue(status):
    assert raise_overdue({**ENROLLMENT, "status": status}, 2, None, today=date(2026, 11, 30)) is None


def test_a_due_date_after_the_planned_end_is_never_raised():
    short = {**ENROLLMENT, "planned_end_date": date(2026, 11, 15)}
    assert raise_overdue(short, 2, None, today=date(2026, 11, 30)) is None
