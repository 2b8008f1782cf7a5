"""Ids derived from natural keys: the same key always gives the same id, different keys different ids."""
import uuid

from services.aftercare.store import event_task_id, follow_up_escalation_task_id, plan_id_for, plan_task_id


def test_the_plan_id_of_an_enrollment_is_always_the_same_uuid():
    assert plan_id_for("mpls", "enr-1") == plan_id_for("mpls", "enr-1")
    assert uuid.UUID(plan_id_for("mpls", "enr-1")).version == 5


def test_the_same_enrollment_id_at_another_site_is_another_plan():
    assert plan_id_for("mpls", "enr-1") != plan_id_for("stpaul", "enr-1")


def test_each_kind_of_plan_task_has_its_own_id():
    plan_id = plan_id_for("mpls", "enr-1")
    assert plan_task_id(plan_id, "outreach") != plan_task_id(plan_id, "medication_handoff")


def test_an_event_raises_one_task_per_kind():
    assert event_task_id("evt-1", "outreach") == event_task_id("evt-1", "outreach")
    assert event_task_id("evt-1", "outreach") != event_task_id("evt-2", "outreach")


def test_each_follow_up_window_escalates_under_its_own_id():
    assert follow_up_escalation_task_id("plan-1", 7) != follow_up_escalation_task_id("plan-1", 30)
