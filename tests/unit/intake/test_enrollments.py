"""Programs of the site's catalog, planned lengths, changes of level of care, discharge and the
enrollment state machine."""
from datetime import date

import pytest

from services.intake.domain.enrollments import (
    ENROLLMENT_MACHINE,
    STATUSES,
    TEDS_D_REASONS,
    admit,
    change_length,
    change_level_of_care,
    change_planned_length,
    check_discharge,
    current_enrollment,
    discharge,
    get_program,
    periods_of,
    plan_enrollment,
    planned_end_date,
    status_after_discharge,
)
from shared.errors import Conflict, IllegalTransition, Invalid
from shared.events.codes import OUTCOMES
from shared.programs import Program, parse_catalog
from shared.provider_names import name_code

MONDAY = date(2025, 1, 6)
TODAY = date(2025, 6, 2)  # the site's today in discharge checks: after every date used below
OTHER_OUTCOMES = ["against_advice", "administrative", "transferred", "other", "death", "incarcerated"]
CATALOG = parse_catalog(None)  # the default catalog a site without `programs` has


def _errors(call, *args, **kwargs):
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# --- programs and planned length --------------------------------------------------------

@pytest.mark.parametrize("code, weeks, level", [("mh-adult", 8, "2.1"), ("sud-adult", 12, "2.1"),
                                                ("adolescent", 10, "2.1"), ("php-adult", 4, "2.5"),
                                                ("op-adult", 12, "1")])
def test_an_admission_takes_its_length_and_level_of_care_from_the_sites_program(code, weeks, level):
    plan = plan_enrollment(CATALOG, code, MONDAY)
    assert (plan.planned_weeks, plan.level_of_care) == (weeks, level)


def test_a_program_the_site_does_not_list_is_invalid_on_the_program_field_naming_the_sites_codes():
    catalog = parse_catalog([{"code": "iop-day", "name": "Day IOP", "level_of_care": "2.1", "population": "adult",
                              "substance_use": False, "planned_weeks": 6, "weekly_minimum_hours": 9}])
    assert _errors(get_program, catalog, "mh-adult") == {"program": ["must be one of the site's programs: iop-day"]}


def test_a_site_that_replaces_its_catalog_admits_to_its_own_programs_with_their_lengths():
    catalog = {"iop-day": Program("iop-day", "Day IOP", "2.1", "adult", False, planned_weeks=6,
                                  weekly_minimum_hours=9, min_weeks=6, max_weeks=6)}
    assert plan_enrollment(catalog, "iop-day", MONDAY).planned_end_date == date(2025, 2, 16)
    assert list(_errors(plan_enrollment, catalog, "iop-day", MONDAY, 7)) == ["planned_weeks"]


def test_planned_end_is_the_last_day_of_the_last_week():
    # 8 weeks from Monday 6 January end on Sunday 2 March (56 days, both ends included).
    assert planned_end_date(MONDAY, 8) == date(2025, 3, 2)


def test_a_one_week_program_ends_six_days_after_it_starts():
    assert planned_end_date(MONDAY, 1) == date(2025, 1, 12)


def test_planned_end_counts_the_leap_day():
    # 5 Feb 2024 + 27 days: 24 days to 29 February, then 3 more.
    assert planned_end_date(date(2024, 2, 5), 4) == date(2024, 3, 3)


def test_planned_end_refuses_a_length_below_one_week():
    with pytest.raises(ValueError):
        planned_end_date(MONDAY, 0)


def test_an_enrollment_without_a_length_gets_the_programs_default():
    plan = plan_enrollment(CATALOG, "sud-adult", MONDAY)
    assert (plan.planned_weeks, plan.planned_end_date, plan.status) == (12, date(2025, 3, 30), "active")


def test_an_enrollment_keeps_an_explicit_length():
    assert plan_enrollment(CATALOG, "mh-adult", MONDAY, planned_weeks=10).planned_weeks == 10


@pytest.mark.parametrize("weeks", [4, 26])
def test_an_enrollment_at_the_programs_length_bounds_is_accepted(weeks):
    assert plan_enrollment(CATALOG, "mh-adult", MONDAY, weeks).planned_weeks == weeks


@pytest.mark.parametrize("weeks", [3, 27, 0, -8])
def test_an_enrollment_outside_the_programs_length_bounds_is_invalid(weeks):
    assert list(_errors(plan_enrollment, CATALOG, "mh-adult", MONDAY, weeks)) == ["planned_weeks"]


@pytest.mark.parametrize("weeks", [8.0, "8", True])
def test_a_non_integer_length_is_invalid(weeks):
    assert _errors(plan_enrollment, CATALOG, "mh-adult", MONDAY, weeks) == {"planned_weeks": ["must be an integer"]}


def test_an_enrollment_in_an_unknown_program_is_invalid():
    assert list(_errors(plan_enrollment, CATALOG, "nope", MONDAY)) == ["program"]


def test_a_level_of_care_given_with_an_admission_must_be_the_programs():
    assert plan_enrollment(CATALOG, "php-adult", MONDAY, level_of_care="2.5").level_of_care == "2.5"
    assert list(_errors(plan_enrollment, CATALOG, "mh-adult", MONDAY, level_of_care="2.5")) == ["level_of_care"]


def test_an_admission_decides_the_admitted_event_with_its_plan_and_one_period():
    plan, event = admit(CATALOG, "e-1", "p-1", {"program": "mh-adult", "start_date": MONDAY, "group_id": "g-1"})
    assert (event.event_type, event.payload) == ("intake.enrollment.admitted", {
        "enrollment_id": "e-1", "patient_id": "p-1", "program": "mh-adult", "level_of_care": "2.1",
        "start_date": "2025-01-06", "planned_weeks": 8, "planned_end_date": "2025-03-02", "group_id": "g-1"})
    assert plan.periods == [{"program": "mh-adult", "level_of_care": "2.1", "start_date": MONDAY, "end_date": None,
                             "reason": None}]


# --- the state machine ------------------------------------------------------------------

@pytest.mark.parametrize("to", ["completed", "discharged"])
def test_an_active_enrollment_can_end(to):
    ENROLLMENT_MACHINE.check("active", to)


@pytest.mark.parametrize(
    "current, to",
    [(a, b) for a in STATUSES for b in STATUSES if not (a == "active" and b != "active")],
)
def test_every_other_enrollment_move_is_illegal(current, to):
    with pytest.raises(IllegalTransition):
        ENROLLMENT_MACHINE.check(current, to)


# --- discharge --------------------------------------------------------------------------

def test_outcomes_are_the_contracts_five_and_teds_ds_death_and_incarcerated():
    assert OUTCOMES == ("completed", "against_advice", "administrative", "transferred", "other", "death",
                        "incarcerated")


def test_every_outcome_maps_to_one_teds_d_reason_for_discharge():
    assert {outcome: number for outcome, (number, _) in TEDS_D_REASONS.items()} == {
        "completed": 1, "against_advice": 2, "administrative": 3, "transferred": 4, "incarcerated": 5, "death": 6,
        "other": 7}
    assert set(TEDS_D_REASONS) == set(OUTCOMES)


def test_a_completed_outcome_sets_status_completed():
    assert status_after_discharge("completed") == "completed"


@pytest.mark.parametrize("outcome", OTHER_OUTCOMES)
def test_every_other_outcome_sets_status_discharged(outcome):
    assert status_after_discharge(outcome) == "discharged"


ACTIVE_ENROLLMENT = {"_id": "e-1", "patient_id": "p-1", "program": "mh-adult", "level_of_care": "2.1",
                     "status": "active", "start_date": MONDAY, "planned_weeks": 8, "planned_end_date": date(2025, 3, 2)}
# Admitted to PHP on 6 January, stepped down to the IOP on 3 February.
STEPPED_DOWN = {**ACTIVE_ENROLLMENT, "periods": [
    {"program": "php-adult", "level_of_care": "2.5", "start_date": MONDAY, "end_date": date(2025, 2, 2),
     "reason": None},
    {"program": "mh-adult", "level_of_care": "2.1", "start_date": date(2025, 2, 3), "end_date": None,
     "reason": "stable"}]}


def test_a_completed_outcome_emits_the_completed_event():
    changes, event = discharge(ACTIVE_ENROLLMENT, date(2025, 3, 2), "completed", None, today=TODAY)
    assert (changes["status"], event.event_type) == ("completed", "intake.enrollment.completed")


@pytest.mark.parametrize("outcome", OTHER_OUTCOMES)
def test_every_other_outcome_emits_the_discharged_event(outcome):
    changes, event = discharge(ACTIVE_ENROLLMENT, date(2025, 2, 1), outcome, None, today=TODAY)
    assert (changes["status"], event.event_type, event.payload["outcome"]) == (
        "discharged", "intake.enrollment.discharged", outcome)


def test_a_discharge_ends_the_last_period_on_the_discharge_date():
    changes, _ = discharge(STEPPED_DOWN, date(2025, 3, 2), "completed", None, today=TODAY)
    assert [(p["program"], p["end_date"]) for p in changes["periods"]] == [
        ("php-adult", date(2025, 2, 2)), ("mh-adult", date(2025, 3, 2))]


def test_a_completion_after_a_step_down_emits_completed_with_the_current_program_and_the_episodes_start():
    _, event = discharge(STEPPED_DOWN, date(2025, 3, 2), "completed", None, today=TODAY)
    assert (event.payload["program"], event.payload["start_date"]) == ("mh-adult", "2025-01-06")


def test_a_discharge_before_the_current_periods_start_is_invalid_on_the_discharge_date():
    assert list(_errors(discharge, STEPPED_DOWN, date(2025, 2, 2), "completed", None, today=TODAY)) == [
        "discharge_date"]


def test_the_discharge_event_names_the_step_down_by_provider_code():
    step_down = {"level_of_care": "psychiatry", "provider": "npi:1234567893"}
    _, event = discharge(ACTIVE_ENROLLMENT, date(2025, 3, 2), "completed", step_down, today=TODAY)
    assert event.payload["step_down"] == {"level_of_care": "psychiatry", "provider_id": "npi:1234567893"}


@pytest.mark.parametrize("typed", ["Lakeside Counseling Center, LLC", "Clínica Señora de Guadalupe", "Dr Jane Doe"])
def test_the_discharge_event_names_a_typed_step_down_provider_by_its_name_code_only(typed):
    step_down = {"level_of_care": "outpatient_therapy", "provider": typed}
    _, event = discharge(ACTIVE_ENROLLMENT, date(2025, 3, 2), "completed", step_down, today=TODAY)
    assert event.payload["step_down"] == {"level_of_care": "outpatient_therapy", "provider_id": name_code(typed)}
    assert typed.split()[0] not in str(event.payload)


def test_a_step_down_without_a_provider_names_none():
    _, event = discharge(ACTIVE_ENROLLMENT, date(2025, 3, 2), "completed", {"level_of_care": "psychiatry"},
                         today=TODAY)
    assert event.payload["step_down"] == {"level_of_care": "psychiatry", "provider_id": None}


def test_an_unknown_outcome_is_invalid_on_the_outcome_field():
    assert list(_errors(status_after_discharge, "graduated")) == ["outcome"]


def test_a_discharge_with_an_unknown_outcome_decides_no_event():
    assert list(_errors(discharge, ACTIVE_ENROLLMENT, date(2025, 2, 1), "graduated", None, today=TODAY)) == [
        "outcome"]


def test_discharging_an_active_enrollment_returns_its_new_status():
    assert check_discharge("active", MONDAY, date(2025, 3, 2), "completed", today=TODAY) == "completed"


@pytest.mark.parametrize("outcome", OTHER_OUTCOMES)
def test_an_early_discharge_returns_discharged(outcome):
    assert check_discharge("active", MONDAY, date(2025, 1, 20), outcome, today=TODAY) == "discharged"


def test_a_discharge_on_the_start_day_is_allowed():
    assert check_discharge("active", MONDAY, MONDAY, "against_advice", today=TODAY) == "discharged"


@pytest.mark.parametrize("status", ["completed", "discharged"])
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_second_discharge_is_a_409(status, outcome):
    with pytest.raises(IllegalTransition) as caught:
        check_discharge(status, MONDAY, date(2025, 3, 2), outcome, today=TODAY)
    assert caught.value.status == 409


def test_a_discharge_before_the_start_is_invalid_on_the_discharge_date_field():
    errors = _errors(check_discharge, "active", MONDAY, date(2025, 1, 5), "completed", today=TODAY)
    assert list(errors) == ["discharge_date"]


def test_a_discharge_with_an_unknown_outcome_is_invalid_on_the_outcome_field():
    assert list(_errors(check_discharge, "active", MONDAY, date(2025, 2, 1), "graduated", today=TODAY)) == ["outcome"]


def test_an_unknown_outcome_is_reported_before_the_state_conflict():
    errors = _errors(check_discharge, "completed", MONDAY, date(2025, 2, 1), "graduated", today=TODAY)
    assert list(errors) == ["outcome"]


def test_a_second_discharge_is_reported_before_a_bad_date():
    with pytest.raises(IllegalTransition):
        check_discharge("discharged", MONDAY, date(2024, 12, 1), "other", today=TODAY)


def test_a_discharge_today_is_allowed():
    assert check_discharge("active", MONDAY, TODAY, "completed", today=TODAY) == "completed"


def test_a_discharge_after_the_sites_today_is_invalid_on_the_discharge_date_field():
    tomorrow = date(2025, 6, 3)
    assert list(_errors(check_discharge, "active", MONDAY, tomorrow, "completed", today=TODAY)) == ["discharge_date"]


def test_a_future_discharge_is_reported_before_the_state_conflict():
    tomorrow = date(2025, 6, 3)
    assert list(_errors(check_discharge, "completed", MONDAY, tomorrow, "completed", today=TODAY)) == ["discharge_date"]


# --- changing the planned length --------------------------------------------------------

def test_lengthening_an_active_enrollment_returns_the_new_end():
    assert change_planned_length("active", MONDAY, 12, today=date(2025, 2, 1)) == date(2025, 3, 30)


def test_shortening_so_the_program_ends_today_is_allowed():
    # 4 weeks from 6 January end on 2 February.
    assert change_planned_length("active", MONDAY, 4, today=date(2025, 2, 2)) == date(2025, 2, 2)


def test_shortening_so_the_program_ended_yesterday_is_invalid():
    assert list(_errors(change_planned_length, "active", MONDAY, 4, date(2025, 2, 3))) == ["planned_weeks"]


@pytest.mark.parametrize("weeks", [3, 27])
def test_a_new_length_outside_the_mh_adult_programs_4_to_26_weeks_is_invalid(weeks):
    assert list(_errors(change_planned_length, "active", MONDAY, weeks, MONDAY, CATALOG["mh-adult"])) == [
        "planned_weeks"]


@pytest.mark.parametrize("weeks", [None, 8.5, "8", False])
def test_a_non_integer_new_length_is_invalid(weeks):
    errors = _errors(change_planned_length, "active", MONDAY, weeks, MONDAY)
    assert errors == {"planned_weeks": ["must be an integer"]}


def test_a_new_length_uses_the_programs_bounds():
    php = CATALOG["php-adult"]
    assert change_planned_length("active", MONDAY, 1, MONDAY, php) == date(2025, 1, 12)
    assert list(_errors(change_planned_length, "active", MONDAY, 27, MONDAY, php)) == ["planned_weeks"]


def test_a_new_length_in_a_program_the_catalog_no_longer_lists_may_be_1_to_52_weeks():
    assert change_planned_length("active", MONDAY, 52, MONDAY) == date(2026, 1, 4)
    assert list(_errors(change_planned_length, "active", MONDAY, 53, MONDAY)) == ["planned_weeks"]


def test_after_a_step_down_a_new_length_counts_from_the_current_periods_start():
    new_end, _ = change_length(CATALOG, STEPPED_DOWN, 4, today=date(2025, 2, 10))
    assert new_end == date(2025, 3, 2)  # 3 February + 4 weeks - 1 day


@pytest.mark.parametrize("status", ["completed", "discharged"])
def test_the_length_of_an_ended_enrollment_cannot_change(status):
    with pytest.raises(Conflict) as caught:
        change_planned_length(status, MONDAY, 10, today=MONDAY)
    assert caught.value.status == 409


def test_a_length_change_decides_the_length_changed_event_with_the_previous_end():
    new_end, event = change_length(CATALOG, ACTIVE_ENROLLMENT, 10, today=date(2025, 2, 1))
    assert (new_end, event.event_type, event.payload) == (date(2025, 3, 16), "intake.enrollment.length_changed", {
        "enrollment_id": "e-1", "patient_id": "p-1", "planned_weeks": 10, "planned_end_date": "2025-03-16",
        "previous_planned_end_date": "2025-03-02"})


# --- the current enrollment -------------------------------------------------------------

def test_the_current_enrollment_is_the_active_one_even_when_another_started_later():
    active = {"status": "active", "start_date": date(2025, 1, 6)}
    later_ended = {"status": "completed", "start_date": date(2025, 3, 3)}
    assert current_enrollment([later_ended, active]) is active


def test_among_active_enrollments_the_current_one_started_last():
    first = {"status": "active", "start_date": date(2025, 1, 6)}
    second = {"status": "active", "start_date": date(2025, 2, 3)}
    assert current_enrollment([second, first]) is second


def test_without_an_active_enrollment_the_current_one_is_the_last_started():
    older = {"status": "discharged", "start_date": date(2024, 6, 3)}
    newer = {"status": "completed", "start_date": date(2025, 1, 6)}
    assert current_enrollment([newer, older]) is newer


def test_a_patient_never_enrolled_has_no_current_enrollment():
    assert current_enrollment([]) is None


# --- changes of level of care -----------------------------------------------------------

PHP_ADMISSION = {**ACTIVE_ENROLLMENT, "program": "php-adult", "level_of_care": "2.5", "planned_weeks": 4,
                 "planned_end_date": date(2025, 2, 2), "periods": [
                     {"program": "php-adult", "level_of_care": "2.5", "start_date": MONDAY, "end_date": None,
                      "reason": None}]}
STEP_DOWN_DAY = date(2025, 1, 27)


def _step(enrollment=PHP_ADMISSION, program="mh-adult", effective=STEP_DOWN_DAY, today=STEP_DOWN_DAY):
    return change_level_of_care(CATALOG, enrollment, program, effective, "stable", today=today)


def test_a_step_down_ends_the_current_period_the_day_before_and_opens_the_new_programs():
    changes, _ = _step()
    assert changes["periods"] == [
        {"program": "php-adult", "level_of_care": "2.5", "start_date": MONDAY, "end_date": date(2025, 1, 26),
         "reason": None},
        {"program": "mh-adult", "level_of_care": "2.1", "start_date": STEP_DOWN_DAY, "end_date": None,
         "reason": "stable"}]


def test_after_a_change_the_enrollment_shows_the_new_program_and_its_length_from_the_effective_date():
    changes, _ = _step()
    assert {key: changes[key] for key in ("program", "level_of_care", "planned_weeks", "planned_end_date")} == {
        "program": "mh-adult", "level_of_care": "2.1", "planned_weeks": 8, "planned_end_date": date(2025, 3, 23)}


def test_a_change_decides_the_level_of_care_changed_event():
    _, event = _step()
    assert (event.event_type, event.payload) == ("intake.level_of_care.changed", {
        "enrollment_id": "e-1", "patient_id": "p-1", "program": "mh-adult", "previous_program": "php-adult",
        "level_of_care": "2.1", "previous_level_of_care": "2.5", "effective_date": "2025-01-27",
        "planned_end_date": "2025-03-23"})


def test_a_step_up_from_iop_to_php_is_a_change_like_any_other():
    changes, event = _step(STEPPED_DOWN, "php-adult", date(2025, 2, 10), date(2025, 2, 10))
    assert [p["program"] for p in changes["periods"]] == ["php-adult", "mh-adult", "php-adult"]
    assert event.payload["previous_level_of_care"] == "2.1"


def test_an_enrollment_stored_before_periods_were_kept_has_one_period_its_whole_stay():
    ended = {**ACTIVE_ENROLLMENT, "status": "completed", "discharge": {"date": date(2025, 3, 2)}}
    assert periods_of(ended) == [{"program": "mh-adult", "level_of_care": "2.1", "start_date": MONDAY,
                                  "end_date": date(2025, 3, 2), "reason": None}]


def test_a_change_to_the_current_program_is_invalid_on_the_program_field():
    assert list(_errors(_step, program="php-adult")) == ["program"]


def test_a_change_to_a_program_the_site_does_not_list_is_invalid_on_the_program_field():
    assert list(_errors(_step, program="residential")) == ["program"]


@pytest.mark.parametrize("status", ["completed", "discharged"])
def test_an_ended_enrollment_cannot_change_its_level_of_care(status):
    with pytest.raises(Conflict) as caught:
        _step({**PHP_ADMISSION, "status": status})
    assert caught.value.status == 409


def test_an_unknown_program_is_reported_before_the_state_conflict():
    assert list(_errors(_step, {**PHP_ADMISSION, "status": "completed"}, program="nope")) == ["program"]


@pytest.mark.parametrize("effective", [MONDAY, date(2025, 1, 5)], ids=["on the period's start", "before it"])
def test_a_change_not_after_the_current_periods_start_is_invalid_on_the_effective_date(effective):
    assert list(_errors(_step, effective=effective)) == ["effective_date"]


def test_a_change_up_to_30_days_ahead_is_allowed_and_one_day_more_is_not():
    today = date(2025, 1, 10)
    assert _step(effective=date(2025, 2, 9), today=today)[0]["periods"][-1]["start_date"] == date(2025, 2, 9)
    assert list(_errors(_step, effective=date(2025, 2, 10), today=today)) == ["effective_date"]


def test_a_change_on_the_day_after_the_periods_start_is_allowed():
    assert _step(effective=date(2025, 1, 7))[0]["periods"][0]["end_date"] == MONDAY
