"""The worker's timed sweeps, run with a given ``today``: overdue follow-ups and referrals waiting too long."""
from datetime import date, datetime, timezone

from services.aftercare.store import PLANS, REFERRALS, TASKS
from services.aftercare.use_cases import sweeps
from services.aftercare.use_cases.referrals import move_referral
from shared.cause import Cause
from tests.conftest import pending_events
from tests.integration.aftercare.conftest import attendance, booking, completion, deliver

STAFF = Cause("mpls", "corr-test", actor="tester")


def sweep_overdue_follow_ups(context, today):
    return sweeps.sweep_overdue_follow_ups(context.store, context.sites, "aftercare", today=today)


def sweep_referrals(context, today):
    return sweeps.sweep_referrals(context.store, context.sites, "aftercare", today=today)


def overdue_events(context):
    return [(e["payload"]["window_days"], e["payload"]["due_date"])
            for e in pending_events(context, PLANS, "aftercare.follow_up.overdue")]


def escalations(context):
    return list(context.db[TASKS].find({"kind": "follow_up_escalation"}))


def test_nothing_is_overdue_on_the_seventh_day(context):
    deliver(context, completion())
    assert sweep_overdue_follow_ups(context, today=date(2026, 11, 2)) == 0


def test_an_unmet_follow_up_is_overdue_the_day_after_day_seven_with_an_escalation_task(context):
    deliver(context, completion())
    sweep_overdue_follow_ups(context, today=date(2026, 11, 3))
    assert overdue_events(context) == [(7, "2026-11-02")]
    assert [(task["due_date"], task["owner_role"]) for task in escalations(context)] == [("2026-11-03", "case_manager")]


def test_a_booked_follow_up_missed_is_overdue_the_day_after_its_day(context):
    deliver(context, completion())
    deliver(context, booking(starts_at=datetime(2026, 10, 29, 15, tzinfo=timezone.utc)))
    sweep_overdue_follow_ups(context, today=date(2026, 10, 30))
    assert overdue_events(context) == [(7, "2026-10-29")]


def test_an_attended_follow_up_is_never_overdue(context):
    deliver(context, completion())
    deliver(context, attendance())
    assert sweep_overdue_follow_ups(context, today=date(2026, 12, 31)) == 0


def test_sweeping_again_raises_nothing_more(context):
    deliver(context, completion())
    sweep_overdue_follow_ups(context, today=date(2026, 11, 3))
    sweep_overdue_follow_ups(context, today=date(2026, 11, 4))
    assert len(overdue_events(context)) == 1
    assert len(escalations(context)) == 1


def test_the_thirty_day_window_is_raised_once_more_after_day_thirty(context):
    deliver(context, completion())
    sweep_overdue_follow_ups(context, today=date(2026, 11, 3))
    sweep_overdue_follow_ups(context, today=date(2026, 11, 26))
    assert overdue_events(context) == [(7, "2026-11-02"), (30, "2026-11-25")]
    assert len(escalations(context)) == 2


def test_a_sweep_interrupted_before_flagging_the_plan_finishes_on_the_next_run(context):
    deliver(context, completion())
    sweep_overdue_follow_ups(context, today=date(2026, 11, 3))
    # The crash: the escalation task was written, the plan's flag and overdue event were not.
    context.db[PLANS].update_one({}, {"$set": {"follow_up.overdue": {}, "outbox": {}, "outbox_pending": 0}})
    sweep_overdue_follow_ups(context, today=date(2026, 11, 3))
    assert overdue_events(context) == [(7, "2026-11-02")]
    assert len(escalations(context)) == 1


def _sent_referral(context, sites):
    deliver(context, completion())
    referral = context.store.referrals.find_one({})
    return move_referral(context.store, STAFF, sites.get("mpls"), referral["_id"], "sent")


def test_a_referral_not_accepted_within_five_business_days_raises_a_referral_follow_up(context, sites):
    referral = _sent_referral(context, sites)
    sent_day = referral["sent_at"].astimezone(sites.get("mpls").zone).date()
    deadline = sites.get("mpls").calendar.add_business_days(sent_day, 5)
    assert sweep_referrals(context, today=deadline) == 0
    assert sweep_referrals(context, today=date.fromordinal(deadline.toordinal() + 1)) == 1
    task = context.db[TASKS].find_one({"kind": "referral_follow_up"})
    assert (task["plan_id"], task["source"]["referral_id"]) == (referral["plan_id"], referral["_id"])


def test_a_late_referral_raises_its_follow_up_once(context, sites):
    _sent_referral(context, sites)
    sweep_referrals(context, today=date(2027, 3, 1))
    sweep_referrals(context, today=date(2027, 3, 2))
    assert context.db[TASKS].count_documents({"kind": "referral_follow_up"}) == 1


def test_a_decline_whose_re_referral_task_a_crash_lost_gets_it_from_the_sweep(context, sites):
    referral = _sent_referral(context, sites)
    move_referral(context.store, STAFF, sites.get("mpls"), referral["_id"], "declined", reason="no capacity")
    context.db[TASKS].delete_one({"kind": "re_referral"})
    context.db[REFERRALS].update_one({"_id": referral["_id"]}, {"$set": {"re_referral_task_id": None}})
    assert sweep_referrals(context, today=date(2027, 3, 1)) == 1
    assert context.db[TASKS].count_documents({"kind": "re_referral"}) == 1
