"""Case-management tasks on the in-memory store: staff complete, assign and reopen them; other
services' events raise them, once per event."""
from datetime import date, datetime, timezone

import pytest

from services.aftercare.store import TASKS
from services.aftercare.use_cases import tasks
from shared.cause import Cause
from shared.errors import IllegalTransition, NotFound
from tests.unit.aftercare.support import NOW, arrival, cause_of, discharge, events

SATURDAY_AFTERNOON = datetime(2026, 10, 17, 16, 0, tzinfo=timezone.utc)


def risk_flag(enrollment_id=None, occurred_at=SATURDAY_AFTERNOON):
    return arrival("intake.risk.flagged", {"assessment_id": "asm-1", "patient_id": "pat-1",
                                           "enrollment_id": enrollment_id, "instrument": "PHQ-9",
                                           "risk_flags": ["suicidal_ideation"]}, occurred_at=occurred_at)


def side_effect(severity):
    return arrival("medication.side_effect.reported", {"check_in_id": "chk-1", "patient_id": "pat-1",
                                                       "severity": severity, "side_effect_count": 1})


def screening(store, site, event=None):
    event = event or risk_flag()
    return tasks.raise_safety_screening(store, cause_of(event), site, event)


def outreach(store, site):
    """A task that staff complete on their own say-so (a safety screening needs its evidence first)."""
    escalated = arrival("scheduling.absence.escalated", {"enrollment_id": "enr-1", "patient_id": "pat-1",
                                                         "consecutive_absences": 2, "last_session_id": "ses-9"})
    return tasks.raise_outreach(store, cause_of(escalated), site, escalated)


# --- raised by events ----------------------------------------------------------------------

def test_a_risk_flag_raises_a_safety_screening_due_the_same_day_even_on_a_saturday(store, site):
    task = screening(store, site)
    stored = store.tasks.find_one({"_id": task["_id"]})
    assert (stored["kind"], stored["due_date"], stored["owner_role"], stored["plan_id"]) == (
        "safety_screening", date(2026, 10, 17), "clinician", None)
    assert [step["key"] for step in stored["content"]["steps"]] == ["c_ssrs", "safety_plan"]


def test_a_raised_task_names_the_event_that_raised_it_and_is_announced_as_its_consequence(store, site):
    flagged = risk_flag()
    task = screening(store, site, flagged)
    assert task["source"] == {"event_type": "intake.risk.flagged", "event_id": flagged.event_id,
                              "screened_on": date(2026, 10, 17)}
    [created] = events(store, TASKS, "aftercare.task.created")
    assert (created["payload"]["task_id"], created["causation_id"]) == (task["_id"], flagged.event_id)


def test_a_risk_flag_after_discharge_belongs_to_the_enrollments_plan(store, site):
    plan = discharge(store, site)
    assert screening(store, site, risk_flag(enrollment_id="enr-1", occurred_at=NOW))["plan_id"] == plan["_id"]


def test_a_redelivered_risk_flag_raises_one_task(store, site):
    flagged = risk_flag()
    screening(store, site, flagged)
    screening(store, site, flagged)
    assert store.tasks.count({"kind": "safety_screening"}) == 1
    assert len(events(store, TASKS, "aftercare.task.created")) == 1


def test_an_absence_escalation_raises_outreach_due_the_day_it_happened_at_the_site(store, site):
    # 00:30 UTC on the 15th is still the evening of the 14th in Chicago.
    escalated = arrival("scheduling.absence.escalated", {"enrollment_id": "enr-1", "patient_id": "pat-1",
                                                         "consecutive_absences": 2, "last_session_id": "ses-9"},
                        occurred_at=datetime(2026, 10, 15, 0, 30, tzinfo=timezone.utc))
    task = tasks.raise_outreach(store, cause_of(escalated), site, escalated)
    assert (task["kind"], task["due_date"], task["enrollment_id"]) == ("outreach", date(2026, 10, 14), "enr-1")


def test_a_severe_side_effect_raises_a_prescriber_review(store, site):
    reported = side_effect("severe")
    tasks.raise_prescriber_review(store, cause_of(reported), site, reported)
    assert store.tasks.count({"kind": "prescriber_review", "owner_role": "prescriber"}) == 1


def test_a_moderate_side_effect_raises_no_task(store, site):
    reported = side_effect("moderate")
    assert tasks.raise_prescriber_review(store, cause_of(reported), site, reported) is None
    assert store.tasks.count({}) == 0


# --- staff commands ------------------------------------------------------------------------

def test_completing_a_task_records_who_and_when_and_announces_it_in_the_requests_correlation(store, site, staff):
    task = outreach(store, site)
    completed = tasks.complete_task(store, staff, task["_id"], note="reached by phone")
    assert (completed["status"], completed["completed_at"]) == ("completed", NOW)
    assert store.tasks.find_one({"_id": task["_id"]})["history"] == [
        {"at": NOW, "by": "mpls-clinician", "from": "open", "to": "completed", "note": "reached by phone"}]
    [event] = events(store, TASKS, "aftercare.task.completed")
    assert (event["payload"]["task_id"], event["correlation_id"], event["causation_id"]) == (
        task["_id"], "request-1", None)


def test_completing_a_completed_task_is_refused_and_announces_nothing_more(store, site, staff):
    task = outreach(store, site)
    tasks.complete_task(store, staff, task["_id"])
    with pytest.raises(IllegalTransition):
        tasks.complete_task(store, staff, task["_id"])
    assert len(events(store, TASKS, "aftercare.task.completed")) == 1


def test_a_task_is_assigned_then_handed_back_unassigned_without_telling_anyone(store, site, staff):
    task = screening(store, site)
    assigned = tasks.assign_task(store, staff, task["_id"], "staff:cm-17")
    reopened = tasks.reopen_task(store, staff, task["_id"], "on leave")
    assert (assigned["status"], assigned["assignee"]) == ("assigned", "staff:cm-17")
    assert (reopened["status"], reopened["assignee"]) == ("open", None)
    assert events(store, TASKS, "aftercare.task.completed") == []


def test_another_sites_task_is_not_found(store, site):
    task = screening(store, site)
    with pytest.raises(NotFound):
        tasks.complete_task(store, Cause("stpaul", "request-2", actor="stpaul-clinician"), task["_id"])
    assert store.tasks.find_one({"_id": task["_id"]})["status"] == "open"


def test_an_unknown_task_is_not_found(store, staff):
    with pytest.raises(NotFound):
        tasks.assign_task(store, staff, "no-such-task", "staff:cm-17")
