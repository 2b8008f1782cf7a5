"""What treatment keeps of an enrollment from intake's events, in any order, and when the first
plan is due."""
from datetime import date, datetime, timedelta, timezone

from services.treatment.domain import enrollments as rules

EARLY = datetime(2026, 11, 16, 15, 0, tzinfo=timezone.utc)
LATER = EARLY + timedelta(hours=1)
ADMISSION = {"program": "mh-adult", "level_of_care": "2.1", "start_date": date(2026, 11, 16),
             "planned_end_date": date(2027, 1, 11)}


def an_enrollment(**facts) -> dict:
    return {**rules.new_enrollment("rec-1", "enr-1", "pat-1"), **facts}


def applied(enrollment, changes):
    return {**enrollment, **(changes or {})}


def test_the_latest_reported_diagnoses_win_whatever_order_they_arrive_in():
    enrollment = applied(an_enrollment(), rules.diagnoses_reported(an_enrollment(), [{"code": "F41.1", "rank": 1}], LATER))
    assert rules.diagnoses_reported(enrollment, [{"code": "F33.1", "rank": 1}], EARLY) is None
    assert enrollment["diagnoses"] == [{"code": "F41.1", "rank": 1}]


def test_the_same_report_again_changes_nothing():
    enrollment = applied(an_enrollment(), rules.diagnoses_reported(an_enrollment(), [{"code": "F41.1", "rank": 1}], LATER))
    assert rules.diagnoses_reported(enrollment, [{"code": "F41.1", "rank": 1}], LATER) is None


def test_changes_of_level_of_care_are_kept_by_day_and_the_latest_names_the_program():
    change = {"effective_date": date(2026, 12, 1), "program": "op-adult", "previous_program": "mh-adult",
              "level_of_care": "1"}
    enrollment = applied(an_enrollment(), rules.level_of_care_changed(an_enrollment(), change))
    assert rules.level_of_care_changed(enrollment, change) is None
    earlier = {**change, "effective_date": date(2026, 11, 20), "program": "php-adult"}
    enrollment = applied(enrollment, rules.level_of_care_changed(enrollment, earlier))
    assert enrollment["program"] == "op-adult"
    assert rules.level_of_care_dates(enrollment) == [date(2026, 11, 20), date(2026, 12, 1)]
    # An admission arriving after a change does not take the program back.
    assert applied(enrollment, rules.admitted(enrollment, ADMISSION, EARLY))["program"] == "op-adult"


def test_an_admission_after_the_discharge_does_not_reopen_the_enrollment():
    enrollment = applied(an_enrollment(), rules.ended(an_enrollment(), {"outcome": "against_advice",
                                                                        "discharge_date": date(2026, 11, 20)}))
    enrollment = applied(enrollment, rules.admitted(enrollment, ADMISSION, EARLY))
    assert (enrollment["status"], enrollment["start_date"]) == ("discharged", date(2026, 11, 16))


def test_the_first_plan_is_due_the_set_number_of_days_after_admission_and_raised_once():
    enrollment = applied(an_enrollment(), rules.admitted(an_enrollment(), ADMISSION, EARLY))
    assert rules.raise_initial_plan_due(enrollment, date(2026, 11, 22), 7, False, None) is None
    changes, [event] = rules.raise_initial_plan_due(enrollment, date(2026, 11, 23), 7, False, "plan-1")
    assert event.payload == {"enrollment_id": "enr-1", "patient_id": "pat-1", "plan_id": "plan-1",
                             "due_date": "2026-11-23", "kind": "initial_plan", "trigger": None}
    assert rules.raise_initial_plan_due({**enrollment, **changes}, date(2026, 11, 30), 7, False, None) is None


def test_no_first_plan_is_due_with_a_plan_in_force_after_the_end_or_before_the_admission_is_known():
    enrollment = applied(an_enrollment(), rules.admitted(an_enrollment(), ADMISSION, EARLY))
    late = date(2026, 12, 31)
    assert rules.raise_initial_plan_due(enrollment, late, 7, True, None) is None
    assert rules.raise_initial_plan_due({**enrollment, "status": "completed"}, late, 7, False, None) is None
    assert rules.raise_initial_plan_due(an_enrollment(), late, 7, False, None) is None
