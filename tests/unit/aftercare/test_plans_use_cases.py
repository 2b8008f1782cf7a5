"""Making the plan when an enrollment ends, on the in-memory store: once, resumably, with the facts
that arrived before it."""
from dataclasses import replace
from datetime import date

import pytest

from services.aftercare.store import PLANS, REFERRALS, TASKS, plan_id_for
from services.aftercare.use_cases.follow_up import record_follow_up_booking, record_reconciliation
from services.aftercare.use_cases.plans import create_plan_on_discharge, plan_with_its_parts
from tests.unit.aftercare.support import (
    DISCHARGE_DAY,
    FOLLOW_UP_AT,
    NOW,
    Crash,
    all_events,
    booking,
    cause_of,
    completion,
    discharge,
    events,
    plan_task,
    reconciliation,
)


def test_a_completion_makes_the_step_down_plan_stored_with_typed_values(store, site):
    discharge(store, site)
    plan = store.plans.find_one({"enrollment_id": "enr-1"})
    assert (plan["_id"], plan["template"], plan["status"]) == (plan_id_for("mpls", "enr-1"), "step_down", "active")
    assert (plan["discharge_date"], plan["created_at"], plan["follow_up"]["late"]) == (DISCHARGE_DAY, NOW, False)


def test_the_step_down_plan_has_its_four_tasks_due_by_the_template(store, site):
    plan = discharge(store, site)
    tasks = store.tasks.find({"plan_id": plan["_id"]})
    assert {task["kind"]: (task["due_date"], task["owner_role"], task["status"]) for task in tasks} == {
        "follow_up_appointment": (date(2026, 11, 2), "scheduler", "open"),
        "step_down_referral": (date(2026, 10, 28), "case_manager", "open"),
        "relapse_prevention_plan": (date(2026, 10, 27), "clinician", "open"),
        "medication_handoff": (date(2026, 10, 29), "prescriber", "open"),
    }


def test_the_step_down_referral_is_made_from_the_discharge(store, site):
    plan = discharge(store, site)
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    assert (referral["level_of_care"], referral["provider"], referral["status"]) == (
        "outpatient_therapy", "npi:1234567893", "created")


def test_every_part_of_the_plan_is_announced_in_the_completions_correlation(store, site):
    ended = completion()
    create_plan_on_discharge(store, cause_of(ended), site, ended)
    [created] = events(store, PLANS, "aftercare.plan.created")
    assert created["payload"] == {"plan_id": plan_id_for("mpls", "enr-1"), "enrollment_id": "enr-1",
                                  "patient_id": "pat-1", "outcome": "completed", "task_count": 4}
    announced = events(store, PLANS) + events(store, TASKS) + events(store, REFERRALS)
    assert sorted(event["event_type"] for event in announced) == [
        "aftercare.plan.created", "aftercare.referral.created"] + ["aftercare.task.created"] * 4
    assert {(event["correlation_id"], event["causation_id"]) for event in announced} == {
        (ended.correlation_id, ended.event_id)}


def test_another_outcome_makes_a_re_engagement_plan_with_outreach_due_the_next_business_day(store, site):
    plan = discharge(store, site, outcome="against_advice", step_down=None, discharge_date=date(2026, 10, 30))
    assert plan["template"] == "re_engagement"
    assert plan_task(store, "outreach")["due_date"] == date(2026, 11, 2)  # Friday's next business day
    assert store.referrals.count({}) == 0


def test_a_sites_own_template_replaces_the_default_plan(store, site):
    brief = {"name": "brief", "tasks": [{"kind": "follow_up_appointment", "owner_role": "nurse",
                                         "due": {"calendar_days": 3}}]}
    plan = discharge(store, replace(site, options={"aftercare_templates": {"*": {"completed": brief}}}))
    assert plan["template"] == "brief"
    assert [task["kind"] for task in store.tasks.find({})] == ["follow_up_appointment"]


def test_a_redelivered_completion_writes_nothing_more_and_announces_nothing_more(store, site):
    ended = completion()
    first = create_plan_on_discharge(store, cause_of(ended), site, ended)
    again = create_plan_on_discharge(store, cause_of(ended), site, ended)
    assert again["_id"] == first["_id"]
    assert (store.plans.count({}), store.tasks.count({}), store.referrals.count({})) == (1, 4, 1)
    assert (len(all_events(store, "aftercare.plan.created")), len(all_events(store, "aftercare.task.created"))) == (1, 4)


def test_a_creation_that_crashed_after_the_plan_and_one_task_is_finished_by_the_redelivery(store, site, monkeypatch):
    ended = completion()
    real_insert_many = store.tasks.raw.insert_many

    def write_one_then_crash(documents, ordered=True):
        real_insert_many(documents[:1], ordered=ordered)
        raise Crash()

    monkeypatch.setattr(store.tasks.raw, "insert_many", write_one_then_crash)
    with pytest.raises(Crash):
        create_plan_on_discharge(store, cause_of(ended), site, ended)
    assert (store.plans.count({}), store.tasks.count({}), store.referrals.count({})) == (1, 1, 0)

    monkeypatch.setattr(store.tasks.raw, "insert_many", real_insert_many)
    create_plan_on_discharge(store, cause_of(ended), site, ended)
    assert (store.tasks.count({}), store.referrals.count({})) == (4, 1)
    assert (len(all_events(store, "aftercare.plan.created")), len(all_events(store, "aftercare.task.created")),
            len(all_events(store, "aftercare.referral.created"))) == (1, 4, 1)


def test_a_booking_and_a_reconciliation_that_arrived_before_the_plan_are_applied_when_it_is_made(store, site):
    booked, reconciled = booking(), reconciliation()
    record_follow_up_booking(store, cause_of(booked), site, booked)
    record_reconciliation(store, cause_of(reconciled), site, reconciled)
    plan = discharge(store, site)
    assert plan_task(store, "follow_up_appointment")["appointment"] == {"id": "appt-1", "starts_at": FOLLOW_UP_AT,
                                                                         "late": False}
    handoff = plan_task(store, "medication_handoff")
    assert (handoff["status"], handoff["reconciliation_id"]) == ("completed", "rec-1")
    assert store.plans.find_one({"_id": plan["_id"]})["follow_up"]["due_date"] == date(2026, 10, 29)


def test_a_plan_is_read_with_its_tasks_soonest_first_its_referral_and_its_windows_as_of_today(store, site):
    plan = plan_with_its_parts(store, site, discharge(store, site))
    assert [task["kind"] for task in plan["tasks"]] == [
        "relapse_prevention_plan", "step_down_referral", "medication_handoff", "follow_up_appointment"]
    assert [referral["status"] for referral in plan["referrals"]] == ["created"]
    # Today (2026-11-26) is day 31 after the discharge, with no visit: both windows closed unmet.
    assert (plan["follow_up"]["within_7"], plan["follow_up"]["within_30"]) == (False, False)
