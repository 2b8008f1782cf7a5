"""Over HTTP on the test database: the suicide-risk pathway (a safety screening completed only on a
risk level and a safety plan recorded on or after its screen; the plan naming the current safety
plan), missed re-measurements as tasks, and the operators' task report."""
from datetime import date, datetime, timedelta, timezone

from services.aftercare.store import TASKS
from tests.conftest import CLINICIAN, OPERATOR, OTHER_SITE, pending_events
from tests.integration.aftercare.conftest import completion, deliver, event

SCREEN_AT = datetime(2026, 10, 20, 15, tzinfo=timezone.utc)
PROBLEM_TYPE = "https://iop-operations.example/problems/safety-assessment-required"


def risk_flag(context, instrument="PHQ-9", risk_level=None, patient_id="00000000-0000-4000-8000-00000000a001", site_id="mpls"):
    deliver(context, event("intake.risk.flagged", {
        "assessment_id": "asm-1", "patient_id": patient_id, "enrollment_id": None, "instrument": instrument,
        "risk_flags": ["suicide_risk" if instrument == "C-SSRS" else "suicidal_ideation"], "risk_level": risk_level},
        occurred_at=SCREEN_AT, site_id=site_id))


def cssrs(context, risk_level, at=SCREEN_AT + timedelta(hours=1)):
    deliver(context, event("intake.assessment.recorded", {
        "assessment_id": "asm-2", "patient_id": "00000000-0000-4000-8000-00000000a001", "enrollment_id": None, "instrument": "C-SSRS",
        "total_score": 1, "severity": risk_level, "risk_flags": []}, occurred_at=at))


def safety_plan(context, version, at=SCREEN_AT + timedelta(hours=2)):
    deliver(context, event("intake.safety_plan.recorded", {
        "safety_plan_id": f"9b7c0f3e-0000-4000-8000-00000000000{version}", "patient_id": "00000000-0000-4000-8000-00000000a001",
        "enrollment_id": None, "version": version, "assessment_id": "asm-1"}, occurred_at=at))


def the_screening(aftercare, headers=CLINICIAN):
    [task] = aftercare.get("/v1/tasks?kind=safety_screening", headers=headers).json
    return task


def complete(aftercare, task_id, headers=CLINICIAN):
    return aftercare.post(f"/v1/tasks/{task_id}/complete", json={}, headers=headers)


# --- the suicide-risk pathway --------------------------------------------------------------------

def test_a_screening_without_a_risk_level_or_safety_plan_is_refused_409_and_nothing_changes(aftercare, context):
    risk_flag(context)
    task = the_screening(aftercare)
    answer = complete(aftercare, task["id"])
    assert answer.status_code == 409
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert (answer.json["type"], answer.json["title"]) == (PROBLEM_TYPE, "Safety assessment required")
    assert "a risk level" in answer.json["detail"] and "a safety plan" in answer.json["detail"]
    assert the_screening(aftercare) == task
    assert pending_events(context, TASKS, "aftercare.task.completed") == []


def test_a_screening_with_only_a_safety_plan_names_the_missing_risk_level(aftercare, context):
    risk_flag(context)
    safety_plan(context, 1)
    answer = complete(aftercare, the_screening(aftercare)["id"])
    assert answer.status_code == 409
    assert "a risk level" in answer.json["detail"] and "a safety plan" not in answer.json["detail"]


def test_a_screening_is_completed_on_a_c_ssrs_and_a_safety_plan_recorded_after_it(aftercare, context):
    risk_flag(context)
    cssrs(context, "moderate")
    safety_plan(context, 1)
    answer = complete(aftercare, the_screening(aftercare)["id"])
    assert (answer.status_code, answer.json["status"]) == (200, "completed")
    assert answer.json["risk_assessment"] == {"assessment_id": "asm-2", "instrument": "C-SSRS",
                                              "risk_level": "moderate", "screened_on": "2026-10-20"}
    assert (answer.json["safety_plan"]["version"], answer.json["source"]["screened_on"]) == (1, "2026-10-20")
    assert len(pending_events(context, TASKS, "aftercare.task.completed")) == 1


def test_a_safety_plan_from_before_the_screen_day_does_not_count(aftercare, context):
    safety_plan(context, 1, at=SCREEN_AT - timedelta(days=3))
    risk_flag(context, instrument="C-SSRS", risk_level="high")
    assert complete(aftercare, the_screening(aftercare)["id"]).status_code == 409


def test_the_plan_refers_to_the_current_safety_plan_that_arrived_after_it_in_any_order(aftercare, context):
    deliver(context, completion())
    [plan] = aftercare.get("/v1/plans?enrollment_id=00000000-0000-4000-8000-00000000e001", headers=CLINICIAN).json
    assert (plan["safety_plan"], plan["suicide_risk"]) == (None, None)
    safety_plan(context, 2, at=SCREEN_AT + timedelta(days=1))
    safety_plan(context, 1)  # an older version arriving late
    safety_plan(context, 2, at=SCREEN_AT + timedelta(days=1))  # and a redelivery
    cssrs(context, "low")
    plan = aftercare.get(f"/v1/plans/{plan['id']}", headers=CLINICIAN).json
    assert plan["safety_plan"] == {"safety_plan_id": "9b7c0f3e-0000-4000-8000-000000000002", "version": 2,
                                   "recorded_on": "2026-10-21"}
    assert (plan["suicide_risk"]["risk_level"], plan["suicide_risk"]["screened_on"]) == ("low", "2026-10-20")


# --- missed re-measurements ------------------------------------------------------------------------

def test_a_missed_re_measurement_opens_one_case_management_task(aftercare, context):
    overdue = {"enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001", "instrument": "PHQ-9", "due_date": date(2026, 10, 16)}
    deliver(context, event("intake.measurement.overdue", overdue))
    deliver(context, event("intake.measurement.overdue", overdue))  # raised again, another event id
    [task] = aftercare.get("/v1/tasks?kind=re_measurement", headers=CLINICIAN).json
    assert (task["owner_role"], task["enrollment_id"], task["source"]["instrument"],
            task["source"]["measurement_due_date"]) == ("case_manager", "00000000-0000-4000-8000-00000000e001", "PHQ-9", "2026-10-16")


# --- the task report ------------------------------------------------------------------------------

def escalation(context, patient_id, occurred_at, site_id="mpls"):
    enrollment_id = patient_id.replace("a", "e")  # the same number: 00000000-…-00000000e101 for …a101
    deliver(context, event("scheduling.absence.escalated", {"enrollment_id": enrollment_id,
                                                            "patient_id": patient_id, "consecutive_absences": 2,
                                                            "last_session_id": "ses-1"},
                           occurred_at=occurred_at, site_id=site_id))


def counts(site: dict) -> tuple:
    return site["open"], site["overdue"], {row["kind"]: (row["open"], row["overdue"]) for row in site["by_kind"]
                                           if row["open"]}


def seed_tasks(aftercare, context):
    """mpls: 2 outreach overdue, 1 due in a week, 1 completed; a safety screening overdue. stpaul: 1 overdue."""
    later = datetime.now(timezone.utc) + timedelta(days=7)
    for patient_id, at in (("00000000-0000-4000-8000-00000000a101", SCREEN_AT), ("00000000-0000-4000-8000-00000000a102", SCREEN_AT), ("00000000-0000-4000-8000-00000000a103", later), ("00000000-0000-4000-8000-00000000a104", SCREEN_AT)):
        escalation(context, patient_id, at)
    [done] = aftercare.get("/v1/tasks?patient_id=00000000-0000-4000-8000-00000000a104", headers=CLINICIAN).json
    assert complete(aftercare, done["id"]).status_code == 200
    risk_flag(context, patient_id="00000000-0000-4000-8000-00000000a105")
    escalation(context, "00000000-0000-4000-8000-00000000a106", SCREEN_AT, site_id="stpaul")


def test_an_operator_sees_open_and_overdue_tasks_of_every_site_per_kind(aftercare, context):
    seed_tasks(aftercare, context)
    answer = aftercare.get("/v1/reports/tasks", headers=OPERATOR)
    assert answer.status_code == 200
    sites = {site["site_id"]: site for site in answer.json["sites"]}
    assert counts(sites["mpls"]) == (4, 3, {"outreach": (3, 2), "safety_screening": (1, 1)})
    assert counts(sites["stpaul"]) == (1, 1, {"outreach": (1, 1)})
    assert sites["mpls"]["as_of"] == aftercare.application.extensions["iop"].site("mpls").today().isoformat()


def test_a_site_key_sees_its_own_sites_task_counts_only(aftercare, context):
    seed_tasks(aftercare, context)
    assert [site["site_id"] for site in aftercare.get("/v1/reports/tasks", headers=CLINICIAN).json["sites"]] == ["mpls"]
    [stpaul] = aftercare.get("/v1/reports/tasks", headers=OTHER_SITE).json["sites"]
    assert counts(stpaul) == (1, 1, {"outreach": (1, 1)})


def test_the_task_report_needs_a_key(aftercare):
    answer = aftercare.get("/v1/reports/tasks")
    assert (answer.status_code, answer.headers["Content-Type"]) == (401, "application/problem+json")


def test_the_task_report_is_documented_with_an_example_and_its_errors(aftercare):
    operation = aftercare.get("/openapi.json").json["paths"]["/v1/reports/tasks"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/TaskReport"}
    assert answer["example"]["sites"][0]["by_kind"]
    assert {"401", "403", "429"} <= set(operation["responses"])
