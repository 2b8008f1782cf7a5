"""Referrals on the in-memory store: staff add them and move them along; sending closes the plan's
step-down task, declining opens a re-referral task."""
from datetime import date

import pytest

from services.aftercare.store import REFERRALS, TASKS, referral_task_id
from services.aftercare.use_cases import referrals
from shared.cause import Cause
from shared.errors import IllegalTransition, Invalid, NotFound
from tests.unit.aftercare.support import NOW, discharge, events, plan_task


@pytest.fixture
def step_down(store, site):
    plan = discharge(store, site)
    return store.referrals.find_one({"plan_id": plan["_id"]})


def move(store, staff, site, referral, to, **fields):
    return referrals.move_referral(store, staff, site, referral["_id"], to, **fields)


def updates(store):
    return [(event["payload"]["previous_status"], event["payload"]["status"])
            for event in events(store, REFERRALS, "aftercare.referral.updated")]


# --- adding --------------------------------------------------------------------------------

def test_staff_add_a_referral_to_a_plan_announced_in_the_requests_correlation(store, site, staff, step_down):
    added = referrals.add_referral(store, staff, step_down["plan_id"], "psychiatry", "npi:1234567893")
    stored = store.referrals.find_one({"_id": added["_id"]})
    assert (stored["status"], stored["level_of_care"], stored["patient_id"], stored["created_at"]) == (
        "created", "psychiatry", "pat-1", NOW)
    [event] = [event for event in events(store, REFERRALS, "aftercare.referral.created")
               if event["payload"]["referral_id"] == added["_id"]]
    assert event["correlation_id"] == "request-1"


def test_a_referral_to_another_sites_plan_is_refused_as_an_unknown_plan(store, step_down):
    with pytest.raises(Invalid) as refused:
        referrals.add_referral(store, Cause("stpaul", "request-2", actor="stpaul-clinician"), step_down["plan_id"],
                               "psychiatry", None)
    assert list(refused.value.errors) == ["plan_id"]
    assert store.referrals.count({}) == 1


# --- moving --------------------------------------------------------------------------------

def test_a_referral_moves_through_its_whole_life_announcing_each_step(store, site, staff, step_down):
    for to in ("sent", "accepted", "scheduled", "completed"):
        moved = move(store, staff, site, step_down, to, note="called the clinic")
    assert updates(store) == [("created", "sent"), ("sent", "accepted"), ("accepted", "scheduled"),
                              ("scheduled", "completed")]
    stored = store.referrals.find_one({"_id": step_down["_id"]})
    assert (moved["status"], stored["sent_at"], stored["completed_at"], stored["history"][0]["at"]) == (
        "completed", NOW, NOW, NOW)


def test_sending_the_step_down_referral_completes_the_plans_referral_task(store, site, staff, step_down):
    move(store, staff, site, step_down, "sent")
    task = plan_task(store, "step_down_referral")
    assert (task["status"], task["referral_id"], task["history"][-1]["by"]) == ("completed", step_down["_id"], "aftercare")
    assert [event["payload"]["kind"] for event in events(store, TASKS, "aftercare.task.completed")] == [
        "step_down_referral"]


def test_declining_opens_a_re_referral_task_and_marks_it_on_the_referral(store, site, staff, step_down):
    move(store, staff, site, step_down, "sent")
    declined = move(store, staff, site, step_down, "declined", reason="no capacity until spring")
    task_id = referral_task_id(step_down["_id"], "re_referral")
    task = store.tasks.find_one({"_id": task_id})
    assert (declined["status"], declined["decline_reason"], declined["re_referral_task_id"]) == (
        "declined", "no capacity until spring", task_id)
    # Declined on Thursday 2026-11-26 (the pinned today): due two business days later, on Monday.
    assert (task["kind"], task["plan_id"], task["due_date"]) == ("re_referral", step_down["plan_id"], date(2026, 11, 30))
    assert task_id in [event["payload"]["task_id"] for event in events(store, TASKS, "aftercare.task.created")]


def test_declining_without_a_reason_is_refused_and_changes_nothing(store, site, staff, step_down):
    move(store, staff, site, step_down, "sent")
    with pytest.raises(Invalid) as refused:
        move(store, staff, site, step_down, "declined")
    assert list(refused.value.errors) == ["reason"]
    assert store.referrals.find_one({"_id": step_down["_id"]})["status"] == "sent"


def test_an_illegal_move_is_refused_and_announces_nothing(store, site, staff, step_down):
    with pytest.raises(IllegalTransition):
        move(store, staff, site, step_down, "completed")
    assert (store.referrals.find_one({"_id": step_down["_id"]})["status"], updates(store)) == ("created", [])


def test_another_sites_referral_is_not_found(store, context, step_down):
    with pytest.raises(NotFound):
        referrals.move_referral(store, Cause("stpaul", "request-2", actor="stpaul-clinician"), context.site("stpaul"),
                                step_down["_id"], "sent")
    assert store.referrals.find_one({"_id": step_down["_id"]})["status"] == "created"
