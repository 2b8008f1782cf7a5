"""The discharge summary drafted from the plan: objectives met, not met and discontinued."""
from datetime import date, datetime, timezone

from services.treatment.domain.discharge_summaries import draft_summary

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
DISCHARGE = {"enrollment_id": "enr-1", "patient_id": "pat-1", "outcome": "completed", "discharge_date": date(2026, 11, 26)}


def objective(objective_id, progress):
    return {"id": objective_id, "description": f"objective {objective_id}", "target_date": date(2026, 12, 1),
            "measure": "m", "progress": progress, "progress_on": None}


PLAN = {"_id": "plan-2", "plan_version": 2, "status": "active", "problems": [
    {"id": "pr-1", "description": "Low mood", "diagnosis_code": "F33.1", "goals": [
        {"id": "g-1", "description": "g", "objectives": [objective("o-1", "met"), objective("o-2", "progressing")]}]},
    {"id": "pr-2", "description": "Anxiety", "diagnosis_code": None, "goals": [
        {"id": "g-2", "description": "g", "objectives": [objective("o-3", None), objective("o-4", "discontinued"),
                                                           objective("o-5", "not_met")]}]}]}


def test_objectives_are_sorted_into_met_not_met_and_discontinued():
    summary, _ = draft_summary("sum-1", DISCHARGE, PLAN, 12, NOW)
    assert (summary["met_objective_ids"], summary["unmet_objective_ids"], summary["discontinued_objective_ids"]) == (
        ["o-1"], ["o-2", "o-3", "o-5"], ["o-4"])
    assert (summary["plan_id"], summary["plan_version"], summary["signed_note_count"]) == ("plan-2", 2, 12)


def test_the_drafted_event_carries_counts_and_the_unmet_objectives_ids_only():
    _, [event] = draft_summary("sum-1", DISCHARGE, PLAN, 12, NOW)
    assert event.payload == {"summary_id": "sum-1", "enrollment_id": "enr-1", "patient_id": "pat-1",
                             "plan_id": "plan-2", "objectives_met": 1, "objectives_not_met": 3,
                             "unmet_objective_ids": ["o-2", "o-3", "o-5"]}


def test_an_enrollment_without_a_plan_gets_an_empty_summary():
    summary, [event] = draft_summary("sum-1", DISCHARGE, None, 0, NOW)
    assert (summary["plan_id"], summary["objectives"], summary["problems"]) == (None, [], [])
    assert (event.payload["objectives_met"], event.payload["objectives_not_met"]) == (0, 0)
