"""A program's plan: the site catalog's cadence and minimum, the site's scheduling overrides over them."""
from datetime import time

import pytest

from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.schedule import IndividualPlan, MedCheckPlan
from shared.programs import Program, parse_catalog
from shared.sites import Site


def site(catalog=None, **overrides) -> Site:
    """A site with the default catalog (or ``catalog``) and ``scheduling.programs`` overrides."""
    return Site(id="mpls", name="Minneapolis", timezone="America/Chicago", programs=parse_catalog(catalog),
                options={"scheduling": {"programs": overrides}} if overrides else {})


def program(code="dbt-adult", **cadence) -> dict:
    return {**Program(code, "DBT IOP", "2.1", "adult", False, planned_weeks=8, weekly_minimum_hours=9).as_dict(),
            **({"cadence": cadence} if cadence else {})}


def test_without_overrides_a_default_program_gets_weekly_therapy_and_a_fortnightly_check_in():
    plan = program_plan("mh-adult", site())
    assert (plan.individual, plan.med_check, plan.minimum_weekly_hours) == (IndividualPlan(), MedCheckPlan(), 9.0)


def test_the_weekly_minimum_comes_from_the_catalog():
    assert (program_plan("adolescent", site()).minimum_weekly_hours,
            program_plan("php-adult", site()).minimum_weekly_minutes) == (6.0, 1200)


def test_the_catalogs_check_in_cadence_is_followed():
    assert program_plan("op-adult", site()).med_check == MedCheckPlan(every_weeks=4)


def test_two_individual_sessions_a_week_fall_on_tuesday_and_friday():
    plan = program_plan("dbt-adult", site([program(individual_per_week=2)]))
    assert plan.individual.weekdays == ("tue", "fri")


def test_a_cadence_without_individual_sessions_or_check_ins_leaves_them_out():
    plan = program_plan("dbt-adult", site([program(individual_per_week=0, medication_check_in_every_weeks=0)]))
    assert (plan.individual, plan.med_check) == (None, None)


def test_a_program_the_catalog_does_not_list_gets_the_defaults():
    plan = program_plan("retired-program", site())
    assert (plan.individual, plan.med_check, plan.minimum_weekly_hours) == (IndividualPlan(), MedCheckPlan(), 9.0)


def test_a_site_can_move_individual_therapy_to_another_day_and_time():
    individual = program_plan("mh-adult", site(**{"mh-adult": {"individual": {"weekday": "mon",
                                                                              "start_time": "14:30"}}})).individual
    assert (individual.weekdays, individual.start_time, individual.duration_minutes) == (("mon",), time(14, 30), 50)


def test_a_moved_weekday_is_layered_over_the_catalogs_two_sessions_a_week():
    overridden = site([program(individual_per_week=2)], **{"dbt-adult": {"individual": {"weekday": "wed"}}})
    assert program_plan("dbt-adult", overridden).individual.weekdays == ("wed", "tue")


def test_a_site_may_name_every_individual_day():
    overridden = site(**{"mh-adult": {"individual": {"weekdays": ["mon", "thu"]}}})
    assert program_plan("mh-adult", overridden).individual.weekdays == ("mon", "thu")


def test_an_override_moving_the_check_in_keeps_the_catalogs_frequency():
    check_in = program_plan("op-adult", site(**{"op-adult": {"med_check": {"weekday": "mon"}}})).med_check
    assert (check_in.weekday, check_in.every_weeks) == ("mon", 4)


def test_an_overrides_frequency_wins_over_the_catalogs():
    assert program_plan("op-adult", site(**{"op-adult": {"med_check": {"every_weeks": 1}}})).med_check.every_weeks == 1


def test_null_leaves_a_kind_of_session_out():
    assert program_plan("sud-adult", site(**{"sud-adult": {"med_check": None}})).med_check is None


def test_an_overrides_minimum_wins_over_the_catalogs():
    assert program_plan("mh-adult", site(**{"mh-adult": {"minimum_weekly_hours": 12}})).minimum_weekly_hours == 12.0


def test_an_override_for_another_program_changes_nothing():
    assert program_plan("mh-adult", site(**{"sud-adult": {"med_check": None}})).med_check == MedCheckPlan()


@pytest.mark.parametrize("override", [{"individual": {"weekday": "someday"}}, {"individual": {"hour": 9}},
                                      {"med_check": {"weekdays": ["mon"]}}, {"individual": "tuesday"}])
def test_a_malformed_override_is_a_configuration_error(override):
    with pytest.raises(ValueError):
        program_plan("mh-adult", site(**{"mh-adult": override}))


@pytest.mark.parametrize("cadence", [{"individual_per_week": 8}, {"individual_per_week": 1.5},
                                     {"medication_check_in_every_weeks": -1}, {"group_per_week": 3}])
def test_a_malformed_cadence_is_a_configuration_error(cadence):
    with pytest.raises(ValueError):
        program_plan("dbt-adult", site([program(**cadence)]))
