"""Plan templates: which tasks a discharge starts and when each falls due, worked out by hand."""
import json
from datetime import date, datetime, timezone

import pytest

from services.aftercare.domain.templates import (
    DEFAULT_TEMPLATES,
    build_plan_tasks,
    choose_template,
    validate_site_overrides,
    validate_template,
)
from shared.business_days import BusinessCalendar
from shared.errors import Invalid

FRIDAY = date(2025, 5, 23)  # the Monday after, 2025-05-26, is Memorial Day
WEEKDAYS_ONLY = BusinessCalendar()
MEMORIAL_DAY_CLOSED = BusinessCalendar(holidays=frozenset({date(2025, 5, 26)}))
NOW = datetime(2025, 5, 23, 15, 0, tzinfo=timezone.utc)


def ids(kind):
    """Each task's id from its kind, as the plan's derived ids are made."""
    return f"task-{kind}"


def plan_for(outcome, discharge_date=FRIDAY, calendar=WEEKDAYS_ONLY, overrides=None, program="adult_iop"):
    template = choose_template(DEFAULT_TEMPLATES, overrides, program, outcome)
    return build_plan_tasks(template, discharge_date, calendar, ids, NOW)


def due_by_kind(tasks):
    return {task["kind"]: task["due_date"] for task in tasks}


def one_task(name, kind="outreach"):
    return {"name": name, "tasks": [{"kind": kind, "owner_role": "case_manager", "due": {"business_days": 1}}]}


# --- completed: the step-down plan -------------------------------------------------------


def test_a_completed_program_starts_the_four_step_down_tasks():
    kinds = [task["kind"] for task in plan_for("completed")]
    assert kinds == ["follow_up_appointment", "step_down_referral", "relapse_prevention_plan", "medication_handoff"]


def test_step_down_due_dates_after_a_friday_discharge_skip_the_weekend():
    assert due_by_kind(plan_for("completed")) == {
        "follow_up_appointment": date(2025, 5, 30),  # 7 calendar days: the next Friday
        "step_down_referral": date(2025, 5, 27),  # 2 business days: Mon, Tue
        "relapse_prevention_plan": date(2025, 5, 26),  # 1 business day: Mon
        "medication_handoff": date(2025, 5, 28),  # 3 business days: Mon, Tue, Wed
    }


def test_a_holiday_pushes_business_day_tasks_but_not_the_seven_day_follow_up():
    assert due_by_kind(plan_for("completed", calendar=MEMORIAL_DAY_CLOSED)) == {
        "follow_up_appointment": date(2025, 5, 30),
        "step_down_referral": date(2025, 5, 28),  # Tue, Wed
        "relapse_prevention_plan": date(2025, 5, 27),  # Tue
        "medication_handoff": date(2025, 5, 29),  # Tue, Wed, Thu
    }


def test_a_site_open_on_saturdays_counts_saturday_as_a_business_day():
    six_days = BusinessCalendar(open_weekdays=frozenset({"mon", "tue", "wed", "thu", "fri", "sat"}))
    due = due_by_kind(plan_for("completed", calendar=six_days))
    assert due["relapse_prevention_plan"] == date(2025, 5, 24)


def test_the_follow_up_is_due_seven_calendar_days_after_a_midweek_discharge():
    due = due_by_kind(plan_for("completed", discharge_date=date(2025, 5, 21)))
    assert due["follow_up_appointment"] == date(2025, 5, 28)


def test_each_step_down_task_goes_to_the_role_that_does_it():
    owners = {task["kind"]: task["owner_role"] for task in plan_for("completed")}
    assert owners == {
        "follow_up_appointment": "scheduler",
        "step_down_referral": "case_manager",
        "relapse_prevention_plan": "clinician",
        "medication_handoff": "prescriber",
    }


def test_plan_tasks_start_open_unassigned_with_no_history_and_their_own_ids():
    tasks = plan_for("completed")
    assert [(t["status"], t["assignee"], t["history"]) for t in tasks] == [("open", None, [])] * 4
    assert {t["_id"] for t in tasks} == {"task-follow_up_appointment", "task-step_down_referral",
                                         "task-relapse_prevention_plan", "task-medication_handoff"}


def test_plan_tasks_record_when_they_were_created():
    assert {task["created_at"] for task in plan_for("completed")} == {NOW}


def test_the_relapse_prevention_plan_lists_its_sections_as_data():
    (plan,) = [t for t in plan_for("completed") if t["kind"] == "relapse_prevention_plan"]
    keys = [section["key"] for section in plan["content"]["sections"]]
    assert keys == ["warning_signs", "coping_strategies", "people_and_places", "crisis_line"]


def test_the_relapse_prevention_plan_names_the_988_crisis_line():
    (plan,) = [t for t in plan_for("completed") if t["kind"] == "relapse_prevention_plan"]
    (crisis,) = [s for s in plan["content"]["sections"] if s["key"] == "crisis_line"]
    assert crisis["items"] == ["988"]


def test_editing_a_task_content_leaves_the_template_untouched():
    template = choose_template(DEFAULT_TEMPLATES, None, "adult_iop", "completed")
    tasks = build_plan_tasks(template, FRIDAY, WEEKDAYS_ONLY, ids, NOW)
    tasks[2]["content"]["sections"][0]["items"].append("skipping meals")
    assert template["tasks"][2]["content"]["sections"][0]["items"] == []


# --- other outcomes: the re-engagement plan ----------------------------------------------


@pytest.mark.parametrize("outcome", ["against_advice", "administrative", "other", "incarcerated"])
def test_any_other_outcome_starts_the_re_engagement_plan(outcome):
    assert [task["kind"] for task in plan_for(outcome)] == ["outreach", "medication_handoff"]


# --- a transfer continues care; a death closes the record ----------------------------------


def test_a_transfer_is_continuation_of_care_the_referral_and_the_medication_handoff_without_outreach():
    assert [task["kind"] for task in plan_for("transferred")] == ["step_down_referral", "medication_handoff"]


def test_a_death_gets_the_closing_plan_one_closing_task_and_nothing_else():
    assert [task["kind"] for task in plan_for("death")] == ["closing"]


def test_no_site_template_reaches_a_death_not_even_one_for_any_outcome():
    overrides = {"*": {"*": one_task("site_wide")}, "adult_iop": {"*": one_task("program_wide")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "death")["name"] == "closing"


def test_a_site_may_not_write_a_template_for_death():
    with pytest.raises(Invalid) as refused:
        validate_site_overrides({"adult_iop": {"death": one_task("condolences")}})
    assert list(refused.value.errors) == ["adult_iop.death"]


def test_re_engagement_outreach_after_a_friday_discharge_is_due_on_monday():
    assert due_by_kind(plan_for("against_advice")) == {
        "outreach": date(2025, 5, 26),
        "medication_handoff": date(2025, 5, 28),
    }


def test_re_engagement_outreach_waits_for_the_site_to_reopen_after_a_holiday():
    due = due_by_kind(plan_for("against_advice", calendar=MEMORIAL_DAY_CLOSED))
    assert due["outreach"] == date(2025, 5, 27)


def test_re_engagement_outreach_belongs_to_case_management():
    owners = {task["kind"]: task["owner_role"] for task in plan_for("administrative")}
    assert owners == {"outreach": "case_manager", "medication_handoff": "prescriber"}


# --- choosing a template -------------------------------------------------------------------


def test_a_site_override_for_the_program_and_outcome_replaces_the_default():
    overrides = {"adolescent_iop": {"completed": one_task("adolescent_step_down")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adolescent_iop", "completed")["name"] == "adolescent_step_down"


def test_a_site_override_for_another_program_leaves_the_default_in_place():
    overrides = {"adolescent_iop": {"completed": one_task("adolescent_step_down")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "completed")["name"] == "step_down"


def test_a_site_override_for_another_outcome_leaves_the_default_in_place():
    overrides = {"adult_iop": {"completed": one_task("custom")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "against_advice")["name"] == "re_engagement"


def test_a_site_override_for_any_outcome_of_a_program_covers_every_outcome():
    overrides = {"adult_iop": {"*": one_task("site_wide")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "transferred")["name"] == "site_wide"


def test_a_site_override_for_any_program_covers_every_program():
    overrides = {"*": {"completed": one_task("every_program")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "dual_diagnosis", "completed")["name"] == "every_program"


def test_an_override_naming_the_program_beats_one_for_any_program():
    overrides = {"*": {"completed": one_task("every_program")}, "adult_iop": {"*": one_task("adult")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "completed")["name"] == "adult"


def test_an_override_naming_program_and_outcome_beats_one_for_any_outcome():
    overrides = {"adult_iop": {"*": one_task("adult"), "completed": one_task("adult_completed")}}
    assert choose_template(DEFAULT_TEMPLATES, overrides, "adult_iop", "completed")["name"] == "adult_completed"


def test_an_overridden_template_builds_its_own_tasks():
    overrides = {"adolescent_iop": {"completed": one_task("adolescent_step_down", kind="step_down_referral")}}
    tasks = plan_for("completed", overrides=overrides, program="adolescent_iop")
    assert [(t["kind"], t["due_date"]) for t in tasks] == [("step_down_referral", date(2025, 5, 26))]


def test_changing_a_chosen_template_does_not_change_the_defaults():
    template = choose_template(DEFAULT_TEMPLATES, None, "adult_iop", "completed")
    template["tasks"].clear()
    assert len(DEFAULT_TEMPLATES["completed"]["tasks"]) == 4


def test_an_unknown_outcome_is_refused():
    with pytest.raises(Invalid) as refused:
        choose_template(DEFAULT_TEMPLATES, None, "adult_iop", "graduated")
    assert "outcome" in refused.value.errors


def test_the_default_templates_are_plain_json():
    assert json.loads(json.dumps(DEFAULT_TEMPLATES)) == DEFAULT_TEMPLATES


# --- validating site templates -----------------------------------------------------------


def test_a_template_with_an_unknown_task_kind_builds_nothing():
    with pytest.raises(Invalid) as refused:
        build_plan_tasks(one_task("bad", kind="yoga"), FRIDAY, WEEKDAYS_ONLY, ids, NOW)
    assert list(refused.value.errors) == ["tasks[0].kind"]


def test_a_template_may_not_list_the_same_kind_twice():
    template = {"name": "twice", "tasks": one_task("x")["tasks"] * 2}
    with pytest.raises(Invalid) as refused:
        validate_template(template)
    assert list(refused.value.errors) == ["tasks[1].kind"]


@pytest.mark.parametrize(
    "due",
    [{}, {"weeks": 1}, {"calendar_days": 7, "business_days": 2}, {"business_days": -1}, {"business_days": 1.5}, {"calendar_days": True}],
)
def test_a_due_rule_needs_one_whole_count_of_calendar_or_business_days(due):
    template = {"name": "bad_due", "tasks": [{"kind": "outreach", "owner_role": "case_manager", "due": due}]}
    with pytest.raises(Invalid) as refused:
        validate_template(template)
    assert list(refused.value.errors) == ["tasks[0].due"]


def test_a_task_spec_without_an_owner_role_is_refused():
    template = {"name": "ownerless", "tasks": [{"kind": "outreach", "due": {"business_days": 1}}]}
    with pytest.raises(Invalid) as refused:
        validate_template(template)
    assert list(refused.value.errors) == ["tasks[0].owner_role"]


def test_a_task_spec_with_an_unknown_field_is_refused():
    template = one_task("typo")
    template["tasks"][0]["owner"] = "case_manager"
    with pytest.raises(Invalid) as refused:
        validate_template(template)
    assert list(refused.value.errors) == ["tasks[0]"]


def test_a_template_without_tasks_is_refused():
    with pytest.raises(Invalid) as refused:
        validate_template({"name": "empty", "tasks": []})
    assert list(refused.value.errors) == ["tasks"]


def test_the_default_templates_are_valid():
    for template in DEFAULT_TEMPLATES.values():
        validate_template(template)


def test_site_overrides_report_where_a_template_is_wrong():
    overrides = {"adult_iop": {"completed": one_task("fine"), "transferred": one_task("bad", kind="yoga")}}
    with pytest.raises(Invalid) as refused:
        validate_site_overrides(overrides)
    assert list(refused.value.errors) == ["adult_iop.transferred.tasks[0].kind"]


def test_site_overrides_refuse_an_unknown_outcome():
    with pytest.raises(Invalid) as refused:
        validate_site_overrides({"adult_iop": {"graduated": one_task("x")}})
    assert list(refused.value.errors) == ["adult_iop.graduated"]


def test_site_overrides_accept_wildcards():
    validate_site_overrides({"*": {"*": one_task("everything")}})
