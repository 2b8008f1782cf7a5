"""Missed re-measurements become case-management tasks, and the task report counts the tasks still
open and overdue per site and kind, in the database."""
from datetime import date, datetime, timezone

import pytest

from services.aftercare.store import TASKS
from services.aftercare.use_cases import reports, suicide_risk, tasks
from shared import day_rollups
from tests.unit.aftercare.support import arrival, cause_of, discharge, events, measurement_overdue

THURSDAY_EVENING = datetime(2026, 11, 27, 1, 0, tzinfo=timezone.utc)  # still Thursday the 26th in Chicago


def overdue(store, site, event):
    return tasks.raise_re_measurement(store, cause_of(event), site, event)


# --- intake.measurement.overdue ------------------------------------------------------------------

def test_a_missed_re_measurement_opens_a_case_management_task_due_that_day(store, site):
    task = overdue(store, site, measurement_overdue(occurred_at=THURSDAY_EVENING))
    assert (task["kind"], task["owner_role"], task["due_date"], task["enrollment_id"], task["patient_id"]) == (
        "re_measurement", "case_manager", date(2026, 11, 26), "enr-1", "pat-1")
    assert (task["source"]["instrument"], task["source"]["measurement_due_date"]) == ("PHQ-9", date(2026, 11, 20))
    assert len(events(store, TASKS, "aftercare.task.created")) == 1


def test_one_task_per_patient_instrument_and_due_date_however_often_it_is_raised(store, site):
    overdue(store, site, measurement_overdue())
    overdue(store, site, measurement_overdue())  # raised again: another event id, the same natural key
    overdue(store, site, measurement_overdue(due_date=date(2026, 12, 4)))
    overdue(store, site, measurement_overdue(instrument="GAD-7"))
    assert store.tasks.count({"kind": "re_measurement"}) == 3
    assert len(events(store, TASKS, "aftercare.task.created")) == 3


def test_a_missed_re_measurement_after_discharge_belongs_to_the_plan(store, site):
    plan = discharge(store, site)
    assert overdue(store, site, measurement_overdue())["plan_id"] == plan["_id"]


def phq9_recorded(assessment_id: str, occurred_at: datetime, instrument: str = "PHQ-9"):
    return arrival("intake.assessment.recorded", {
        "assessment_id": assessment_id, "patient_id": "pat-1", "enrollment_id": "enr-1", "instrument": instrument,
        "total_score": 7, "severity": "mild", "risk_flags": []}, occurred_at=occurred_at)


def test_the_instrument_administered_again_settles_the_re_measurements_due_by_then(store, site):
    overdue(store, site, measurement_overdue(due_date=date(2026, 11, 20)))
    overdue(store, site, measurement_overdue(due_date=date(2026, 12, 4)))
    overdue(store, site, measurement_overdue(instrument="GAD-7", due_date=date(2026, 11, 20)))
    for event in (phq9_recorded("asm-early", datetime(2026, 11, 19, 18, tzinfo=timezone.utc)),  # before it was due
                  phq9_recorded("asm-1", THURSDAY_EVENING), phq9_recorded("asm-1", THURSDAY_EVENING)):
        suicide_risk.record_assessment(store, cause_of(event), site, event)
    statuses = {(task["source"]["instrument"], task["source"]["measurement_due_date"]): task["status"]
                for task in store.tasks.find({"kind": "re_measurement"})}
    assert statuses == {("PHQ-9", date(2026, 11, 20)): "completed", ("PHQ-9", date(2026, 12, 4)): "open",
                        ("GAD-7", date(2026, 11, 20)): "open"}
    [settled] = store.tasks.find({"kind": "re_measurement", "status": "completed"})
    assert settled["assessment_id"] == "asm-1"
    assert len(events(store, TASKS, "aftercare.task.completed")) == 1  # the redelivery changed nothing


# --- the task report ---------------------------------------------------------------------------------

def escalation(patient_id: str, day: int, site_id: str = "mpls"):
    return arrival("scheduling.absence.escalated", {"enrollment_id": f"enr-{patient_id}", "patient_id": patient_id,
                                                    "consecutive_absences": 2, "last_session_id": "ses-1"},
                   occurred_at=datetime(2026, 11, day, 16, tzinfo=timezone.utc), site_id=site_id)


def by_kind(site_counts: dict) -> dict:
    return {row["kind"]: (row["open"], row["overdue"]) for row in site_counts["by_kind"] if row["open"]}


def test_the_report_counts_open_and_overdue_tasks_per_site_and_kind(context, store, site, staff):
    # Today at the site is 2026-11-26 (the pinned clock).
    for patient_id, day in (("p1", 20), ("p2", 25), ("p3", 26)):
        event = escalation(patient_id, day)
        tasks.raise_outreach(store, cause_of(event), site, event)  # due the day it happened
    overdue(store, site, measurement_overdue())  # due 2026-11-26 (today): not overdue
    done = escalation("p4", 19)
    tasks.complete_task(store, staff, tasks.raise_outreach(store, cause_of(done), site, done)["_id"])
    assigned = escalation("p5", 18)
    tasks.assign_task(store, staff, tasks.raise_outreach(store, cause_of(assigned), site, assigned)["_id"], "staff:1")
    elsewhere = escalation("p6", 10, site_id="stpaul")
    tasks.raise_outreach(store, cause_of(elsewhere), context.site("stpaul"), elsewhere)

    report = reports.task_report(store, context.sites, ["mpls", "stpaul"])
    mpls, stpaul = report["sites"]
    assert (mpls["site_id"], mpls["as_of"], mpls["open"], mpls["overdue"]) == ("mpls", date(2026, 11, 26), 5, 3)
    assert by_kind(mpls) == {"outreach": (4, 3), "re_measurement": (1, 0)}
    assert (stpaul["open"], stpaul["overdue"], by_kind(stpaul)) == (1, 1, {"outreach": (1, 1)})


def test_every_kind_is_listed_with_zeros_for_a_site_without_tasks(context, store):
    [mpls] = reports.task_report(store, context.sites, ["mpls"])["sites"]
    assert (mpls["open"], mpls["overdue"]) == (0, 0)
    assert {row["kind"] for row in mpls["by_kind"]} >= {"safety_screening", "re_measurement", "outreach"}
    assert all((row["open"], row["overdue"]) == (0, 0) for row in mpls["by_kind"])


def test_the_report_reads_its_due_days_not_the_tasks_once_they_are_settled(context, store, site, monkeypatch):
    event = escalation("p1", 20)
    tasks.raise_outreach(store, cause_of(event), site, event)
    day_rollups.sweep(store)  # the worker's, each minute
    read = []
    find = store.tasks.find

    def reading(*args, **kwargs):
        read.extend(found := find(*args, **kwargs))
        return found

    monkeypatch.setattr(store.tasks, "find", reading)
    monkeypatch.setattr(store.tasks, "find_one", lambda *args, **kwargs: pytest.fail("a task was read"))
    [mpls] = reports.task_report(store, context.sites, ["mpls"])["sites"]
    assert (mpls["open"], mpls["overdue"]) == (1, 1)
    assert read == []


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_tasks_no_longer_active_are_not_counted(context, store, site, status):
    event = escalation("p1", 20)
    task = tasks.raise_outreach(store, cause_of(event), site, event)
    store.tasks.modify({"_id": task["_id"]}, lambda current: ({"status": status}, []))
    [mpls] = reports.task_report(store, context.sites, ["mpls"])["sites"]
    assert (mpls["open"], mpls["overdue"]) == (0, 0)
