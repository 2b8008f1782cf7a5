"""Stanley-Brown safety plans, the domain rules: the six steps, 988, lethal-means counselling, versions."""
from datetime import date

import pytest

from services.intake.domain import safety_plans as rules
from shared.errors import Invalid

TODAY = date(2026, 11, 26)


def content(**changes) -> dict:
    return {
        "warning_signs": ["Not sleeping"],
        "internal_coping_strategies": ["Walk the dog"],
        "social_distractions": [{"kind": "place", "name": "The climbing gym"}],
        "people_to_ask_for_help": [{"name": "Maria", "phone": "+1 612 555 0142"}],
        "professionals_and_agencies": [{"kind": "clinician", "name": "Dr Lee", "phone": "+1 612 555 0100"}],
        "environment_safety": {"means_discussed": ["firearms"], "actions_agreed": ["Brother keeps the rifle."],
                               "counselled_on": TODAY},
        **changes,
    }


def recorded(**changes) -> dict:
    plan, _ = rules.record("sp-1", "pat-1", 1, content(**changes), TODAY)
    return plan


def refusal(**changes) -> dict:
    with pytest.raises(Invalid) as refused:
        rules.record("sp-1", "pat-1", 1, content(**changes), TODAY)
    return refused.value.errors


def test_a_patients_first_plan_is_version_1_and_each_next_one_is_n_plus_1():
    assert (rules.next_version(None), rules.next_version(1), rules.next_version(7)) == (1, 2, 8)


def test_a_plan_keeps_the_six_steps_in_order_and_what_prompted_it():
    plan, _ = rules.record("sp-1", "pat-1", 3, content(), TODAY, enrollment_id="enr-1", assessment_id="asm-1")
    assert [key for key in plan if key in rules.STEPS] == list(rules.STEPS)
    assert (plan["version_number"], plan["enrollment_id"], plan["assessment_id"]) == (3, "enr-1", "asm-1")


def test_the_988_lifeline_is_added_to_step_5_when_the_plan_does_not_list_it():
    assert recorded()["professionals_and_agencies"][-1] == {
        "kind": "crisis_line", "name": "988 Suicide & Crisis Lifeline", "phone": "988"}


def test_the_988_lifeline_is_not_listed_twice():
    listed = [{"kind": "crisis_line", "name": "Lifeline", "phone": "9-8-8"}]
    assert recorded(professionals_and_agencies=listed)["professionals_and_agencies"] == listed


def test_a_plan_naming_nobody_in_steps_3_to_5_still_has_988():
    plan = recorded(social_distractions=[], people_to_ask_for_help=[], professionals_and_agencies=[])
    assert [contact["phone"] for contact in plan["professionals_and_agencies"]] == ["988"]


@pytest.mark.parametrize("step", ["warning_signs", "internal_coping_strategies"])
def test_steps_1_and_2_need_an_entry_with_words_in_it(step):
    assert list(refusal(**{step: []})) == [step]
    assert list(refusal(**{step: ["   "]})) == [step]


def test_a_plan_without_lethal_means_counselling_is_refused():
    assert list(refusal(environment_safety=None)) == ["environment_safety"]


def test_the_means_discussed_are_codes_and_at_least_one():
    counselling = content()["environment_safety"]
    assert list(refusal(environment_safety={**counselling, "means_discussed": []})) == [
        "environment_safety.means_discussed"]
    assert list(refusal(environment_safety={**counselling, "means_discussed": ["knives!"]})) == [
        "environment_safety.means_discussed"]


def test_a_counselling_after_today_is_refused():
    counselling = {**content()["environment_safety"], "counselled_on": date(2026, 11, 27)}
    assert list(refusal(environment_safety=counselling)) == ["environment_safety.counselled_on"]


def test_the_recorded_event_carries_ids_and_the_version_only():
    _, event = rules.record("sp-1", "pat-1", 2, content(), TODAY, assessment_id="asm-1")
    assert (event.event_type, event.payload) == ("intake.safety_plan.recorded", {
        "safety_plan_id": "sp-1", "patient_id": "pat-1", "enrollment_id": None, "version": 2,
        "assessment_id": "asm-1"})


def test_versions_are_listed_newest_first_with_the_latest_current():
    plans = [{"version_number": 1}, {"version_number": 3}, {"version_number": 2}]
    assert [(plan["version_number"], plan["current"]) for plan in rules.newest_first(plans)] == [
        (3, True), (2, False), (1, False)]
