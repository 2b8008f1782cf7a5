from datetime import time

import pytest

from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.schedule import IndividualPlan, MedCheckPlan


def test_without_options_a_program_gets_weekly_therapy_and_a_fortnightly_check_in():
    plan = program_plan("mh-adult", {})
    assert (plan.individual, plan.med_check, plan.minimum_weekly_hours) == (IndividualPlan(), MedCheckPlan(), 9.0)


def test_adolescent_programs_need_six_hours_a_week():
    assert program_plan("adolescent", {}).minimum_weekly_hours == 6.0


def test_a_site_can_move_individual_therapy_to_another_day_and_time():
    options = {"scheduling": {"programs": {"mh-adult": {"individual": {"weekday": "mon", "start_time": "14:30"}}}}}
    individual = program_plan("mh-adult", options).individual
    assert (individual.weekday, individual.start_time, individual.duration_minutes) == ("mon", time(14, 30), 50)


def test_null_leaves_a_kind_of_session_out():
    options = {"scheduling": {"programs": {"sud-adult": {"med_check": None}}}}
    assert program_plan("sud-adult", options).med_check is None


def test_an_override_for_another_program_changes_nothing():
    options = {"scheduling": {"programs": {"sud-adult": {"med_check": None}}}}
    assert program_plan("mh-adult", options).med_check == MedCheckPlan()


def test_a_malformed_override_is_a_configuration_error():
    with pytest.raises(ValueError):
        program_plan("mh-adult", {"scheduling": {"programs": {"mh-adult": {"individual": {"weekday": "someday"}}}}})
