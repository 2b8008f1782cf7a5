"""The suicide-risk pathway on the in-memory store: a positive screen opens a same-day safety
screening, completed only on a risk level and a safety plan recorded on or after the screen; the
aftercare plan names the patient's current safety plan whatever the order of arrival."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aftercare.domain.suicide_risk import SafetyAssessmentRequired
from services.aftercare.handlers import HANDLERS
from services.aftercare.store import TASKS
from services.aftercare.use_cases import tasks
from services.aftercare.use_cases.plans import plan_with_its_parts
from shared.cause import Cause
from tests.unit.aftercare.support import (
    NOW,
    SCREEN_AT,
    cssrs_recorded,
    discharge,
    events,
    risk_flag,
    safety_plan_recorded,
)


@pytest.fixture
def deliver(context):
    """Hand an event to aftercare's handler table, as the worker does."""
    def handle(event):
        HANDLERS[event.event_type](event, context)

    return handle


def screening_task(store):
    [task] = store.tasks.find({"kind": "safety_screening"})
    return task


def refusal(store, staff, task_id) -> str:
    with pytest.raises(SafetyAssessmentRequired) as refused:
        tasks.complete_task(store, staff, task_id)
    return refused.value.detail


def test_a_positive_c_ssrs_opens_a_same_day_task_refused_until_a_safety_plan_is_recorded(store, staff, deliver):
    deliver(risk_flag(instrument="C-SSRS", risk_level="high"))
    task = screening_task(store)
    assert (task["due_date"], task["source"]["screened_on"]) == (SCREEN_AT.date(), SCREEN_AT.date())
    detail = refusal(store, staff, task["_id"])
    assert "a safety plan" in detail and "risk level" not in detail
    assert store.tasks.find_one({"_id": task["_id"]}) == task  # nothing changed
    assert events(store, TASKS, "aftercare.task.completed") == []


def test_the_refusal_is_a_409_with_its_own_problem_type():
    refused = SafetyAssessmentRequired("missing")
    assert (refused.status, refused.title) == (409, "Safety assessment required")


def test_a_phq9_flag_with_a_safety_plan_still_needs_a_risk_level(store, staff, deliver):
    deliver(risk_flag())  # PHQ-9 item 9: a flag without a level
    deliver(safety_plan_recorded(occurred_at=SCREEN_AT + timedelta(hours=1)))
    detail = refusal(store, staff, screening_task(store)["_id"])
    assert "a risk level" in detail and "safety plan" not in detail


def test_a_c_ssrs_and_a_safety_plan_after_the_flag_let_the_task_be_completed_on_them(store, staff, deliver):
    deliver(risk_flag())
    deliver(cssrs_recorded("low", occurred_at=SCREEN_AT + timedelta(hours=1)))
    deliver(safety_plan_recorded(occurred_at=SCREEN_AT + timedelta(hours=2)))
    completed = tasks.complete_task(store, staff, screening_task(store)["_id"], note="plan reviewed")
    assert completed["status"] == "completed"
    assert completed["risk_assessment"] == {"assessment_id": "asm-2", "instrument": "C-SSRS", "risk_level": "low",
                                            "screened_on": SCREEN_AT.date()}
    assert completed["safety_plan"] == {"safety_plan_id": "sp-1", "version": 1, "recorded_on": SCREEN_AT.date()}
    assert len(events(store, TASKS, "aftercare.task.completed")) == 1


def test_evidence_that_arrived_before_the_flag_on_the_screen_day_counts(store, staff, deliver):
    deliver(safety_plan_recorded(occurred_at=SCREEN_AT - timedelta(hours=1)))
    deliver(cssrs_recorded("moderate", assessment_id="asm-1"))
    deliver(risk_flag(instrument="C-SSRS", risk_level="moderate"))  # the same screen, heard of twice
    assert tasks.complete_task(store, staff, screening_task(store)["_id"])["status"] == "completed"


def test_a_safety_plan_or_a_risk_level_from_before_the_screen_day_does_not_count(store, staff, deliver):
    day_before = SCREEN_AT - timedelta(days=1)
    deliver(cssrs_recorded("low", occurred_at=day_before))
    deliver(safety_plan_recorded(occurred_at=day_before))
    deliver(risk_flag())
    detail = refusal(store, staff, screening_task(store)["_id"])
    assert "a risk level" in detail and "a safety plan" in detail and "2026-11-24" in detail
    deliver(safety_plan_recorded(version=2, occurred_at=SCREEN_AT + timedelta(hours=1)))
    deliver(cssrs_recorded("none", assessment_id="asm-3", occurred_at=SCREEN_AT + timedelta(hours=1)))
    completed = tasks.complete_task(store, staff, screening_task(store)["_id"])
    assert (completed["safety_plan"]["version"], completed["risk_assessment"]["risk_level"]) == (2, "none")


def test_a_completed_screening_is_refused_again_as_any_completed_task(store, staff, deliver):
    from shared.errors import IllegalTransition

    deliver(risk_flag(instrument="C-SSRS", risk_level="high"))
    deliver(safety_plan_recorded())
    tasks.complete_task(store, staff, screening_task(store)["_id"])
    with pytest.raises(IllegalTransition):
        tasks.complete_task(store, staff, screening_task(store)["_id"])


def test_another_patients_safety_plan_does_not_count(store, staff, deliver):
    deliver(risk_flag(instrument="C-SSRS", risk_level="high"))
    deliver(safety_plan_recorded(patient_id="pat-9"))
    assert "a safety plan" in refusal(store, staff, screening_task(store)["_id"])


def test_a_safety_plan_at_another_site_does_not_count(store, deliver):
    deliver(risk_flag(instrument="C-SSRS", risk_level="high", site_id="stpaul"))
    deliver(safety_plan_recorded())  # at mpls
    with pytest.raises(SafetyAssessmentRequired):
        tasks.complete_task(store, Cause("stpaul", "r", actor="stpaul-clinician"), screening_task(store)["_id"])


def test_the_plan_names_the_current_safety_plan_even_one_written_after_it(store, site, deliver):
    plan = discharge(store, site)
    assert plan_with_its_parts(store, site, plan)["safety_plan"] is None
    deliver(safety_plan_recorded(version=1, occurred_at=NOW - timedelta(days=2)))
    deliver(safety_plan_recorded(version=2, occurred_at=NOW - timedelta(days=1)))
    deliver(safety_plan_recorded(version=1, occurred_at=NOW - timedelta(days=2)))  # late redelivery of v1
    deliver(risk_flag(instrument="C-SSRS", risk_level="moderate", occurred_at=NOW - timedelta(days=1)))
    shown = plan_with_its_parts(store, site, plan)
    assert (shown["safety_plan"]["safety_plan_id"], shown["safety_plan"]["version"]) == ("sp-2", 2)
    assert shown["suicide_risk"]["risk_level"] == "moderate"


@pytest.mark.parametrize("order", [(2, 1, 3), (3, 2, 1), (1, 3, 2)])
def test_any_order_of_versions_ends_with_the_highest_current(store, site, deliver, order):
    plan = discharge(store, site)
    start = datetime(2026, 11, 1, 16, tzinfo=timezone.utc)
    for version in order:
        deliver(safety_plan_recorded(version=version, occurred_at=start + timedelta(days=version)))
    record = store.patient_safety.find_one({})
    assert len(record["safety_plans"]) == 3
    assert plan_with_its_parts(store, site, plan)["safety_plan"]["version"] == 3


def test_a_redelivered_safety_plan_changes_nothing(store, deliver):
    recorded = safety_plan_recorded()
    deliver(recorded)
    first = store.patient_safety.find_one({})
    deliver(recorded)
    assert store.patient_safety.find_one({}) == first


def test_assessments_that_are_not_risk_screens_are_ignored(store, deliver):
    from tests.unit.aftercare.support import arrival

    deliver(arrival("intake.assessment.recorded", {
        "assessment_id": "asm-9", "patient_id": "pat-1", "enrollment_id": None, "instrument": "PHQ-9",
        "total_score": 12, "severity": "moderate", "risk_flags": []}))
    assert store.patient_safety.count({}) == 0
