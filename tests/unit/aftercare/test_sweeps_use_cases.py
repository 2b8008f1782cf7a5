"""The timed sweeps on the in-memory store, run with a given ``today``: each overdue follow-up window
and each late referral is raised once, however often the sweep runs or wherever it stopped."""
from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.aftercare.store import PLANS, TASKS, referral_task_id
from services.aftercare.use_cases import sweeps
from services.aftercare.use_cases.follow_up import record_follow_up_visit
from services.aftercare.use_cases.plans import create_plan_on_discharge
from services.aftercare.use_cases.referrals import move_referral
from shared.sites import Sites
from tests.unit.aftercare.support import Crash, attendance, cause_of, completion, discharge, events

DAY_7 = date(2026, 11, 2)  # the discharge was on 2026-10-26
DAY_30 = date(2026, 11, 25)


def sweep_follow_ups(context, today):
    return sweeps.sweep_overdue_follow_ups(context.store, context.sites, "aftercare", today=today)


def sweep_referrals(context, today, sites=None):
    return sweeps.sweep_referrals(context.store, sites or context.sites, "aftercare", today=today)


def overdue_events(store):
    return [(event["payload"]["window_days"], event["payload"]["due_date"])
            for event in events(store, PLANS, "aftercare.follow_up.overdue")]


def escalations(store):
    return store.tasks.find({"kind": "follow_up_escalation"}, sort=[("due_date", 1)])


# --- overdue follow-ups ----------------------------------------------------------------------

def test_nothing_is_overdue_on_the_seventh_day(context, store, site):
    discharge(store, site)
    assert sweep_follow_ups(context, DAY_7) == 0


def test_an_unmet_follow_up_is_raised_overdue_the_day_after_day_seven_with_an_escalation_task(context, store, site):
    ended = completion()
    plan = create_plan_on_discharge(store, cause_of(ended), site, ended)
    assert sweep_follow_ups(context, DAY_7 + timedelta(days=1)) == 1
    [overdue] = events(store, PLANS, "aftercare.follow_up.overdue")
    assert (overdue["payload"]["due_date"], overdue["correlation_id"], overdue["causation_id"]) == (
        "2026-11-02", ended.correlation_id, None)
    assert store.plans.find_one({"_id": plan["_id"]})["follow_up"]["overdue"] == {"7": DAY_7}
    assert [(task["due_date"], task["owner_role"], task["plan_id"]) for task in escalations(store)] == [
        (date(2026, 11, 3), "case_manager", plan["_id"])]


def test_sweeping_again_raises_nothing_more(context, store, site):
    discharge(store, site)
    sweep_follow_ups(context, date(2026, 11, 3))
    assert sweep_follow_ups(context, date(2026, 11, 4)) == 0
    assert (len(overdue_events(store)), len(escalations(store))) == (1, 1)


def test_the_thirty_day_window_is_raised_once_more_after_day_thirty(context, store, site):
    discharge(store, site)
    sweep_follow_ups(context, date(2026, 11, 3))
    sweep_follow_ups(context, DAY_30 + timedelta(days=1))
    assert overdue_events(store) == [(7, "2026-11-02"), (30, "2026-11-25")]
    assert len(escalations(store)) == 2


def test_an_attended_follow_up_is_never_overdue(context, store, site):
    discharge(store, site)
    visit = attendance()
    record_follow_up_visit(store, cause_of(visit), site, visit)
    assert sweep_follow_ups(context, date(2026, 12, 31)) == 0


def test_a_sweep_that_crashed_before_flagging_the_plan_finishes_on_the_next_run(context, store, site, monkeypatch):
    discharge(store, site)
    real_modify = store.plans.modify

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(store.plans, "modify", crash)
    with pytest.raises(Crash):
        sweep_follow_ups(context, date(2026, 11, 3))
    assert (len(escalations(store)), overdue_events(store)) == (1, [])

    monkeypatch.setattr(store.plans, "modify", real_modify)
    sweep_follow_ups(context, date(2026, 11, 3))
    assert (len(escalations(store)), overdue_events(store)) == (1, [(7, "2026-11-02")])


# --- referrals waiting too long ---------------------------------------------------------------

@pytest.fixture
def sent(store, site, staff):
    """The step-down referral, sent on the pinned today, Thursday 2026-11-26."""
    referral = store.referrals.find_one({"plan_id": discharge(store, site)["_id"]})
    return move_referral(store, staff, site, referral["_id"], "sent")


def test_a_referral_not_accepted_within_five_business_days_raises_a_referral_follow_up(context, store, sent):
    deadline = date(2026, 12, 3)  # Fri, Mon, Tue, Wed, Thu
    assert sweep_referrals(context, deadline) == 0
    assert sweep_referrals(context, deadline + timedelta(days=1)) == 1
    task = store.tasks.find_one({"kind": "referral_follow_up"})
    assert (task["_id"], task["plan_id"], task["source"]["referral_id"]) == (
        referral_task_id(sent["_id"], "referral_follow_up"), sent["plan_id"], sent["_id"])
    assert store.referrals.find_one({"_id": sent["_id"]})["referral_follow_up_task_id"] == task["_id"]


def test_a_late_referral_raises_its_follow_up_once(context, store, sent):
    sweep_referrals(context, date(2027, 3, 1))
    assert sweep_referrals(context, date(2027, 3, 2)) == 0
    assert store.tasks.count({"kind": "referral_follow_up"}) == 1


def test_a_site_may_give_providers_fewer_business_days_to_accept(context, store, site, sent):
    hurried = Sites({"mpls": replace(site, options={"aftercare_referral_acceptance_business_days": 1})}, {})
    assert sweep_referrals(context, date(2026, 11, 30), sites=hurried) == 1


def test_a_decline_whose_re_referral_task_a_crash_lost_gets_it_from_the_sweep(context, store, site, staff, sent,
                                                                              monkeypatch):
    real_insert = store.tasks.insert_once

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(store.tasks, "insert_once", crash)
    with pytest.raises(Crash):
        move_referral(store, staff, site, sent["_id"], "declined", reason="no capacity")
    monkeypatch.setattr(store.tasks, "insert_once", real_insert)
    assert store.tasks.count({"kind": "re_referral"}) == 0

    assert sweep_referrals(context, date(2026, 11, 27)) == 1
    assert store.tasks.count({"kind": "re_referral"}) == 1
    assert sweep_referrals(context, date(2026, 11, 30)) == 0
    assert referral_task_id(sent["_id"], "re_referral") in [
        event["payload"]["task_id"] for event in events(store, TASKS, "aftercare.task.created")]
