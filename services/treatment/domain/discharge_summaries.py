"""The discharge summary drafted when an enrollment ends: what the treatment plan set out to do and
how far it got, for the clinician to complete and for aftercare to carry on.

Made from the plan in force at discharge (or, when none was ever signed, the latest draft): every
objective with its last recorded progress. An objective is met when its last review said so; one
discontinued is counted neither met nor not met; every other one (progressing, not met, never
reviewed) is not met, and its id travels in treatment.discharge_summary.drafted so that aftercare
can carry it over (its text is read over HTTP, never sent in the event)::

    {_id, enrollment_id, patient_id, outcome, discharge_date, status: "draft", plan_id, plan_version,
     problems: [{id, description, diagnosis_code}],
     objectives: [{objective_id, problem_id, goal_id, description, target_date, measure, progress}],
     met_objective_ids, unmet_objective_ids, discontinued_objective_ids, signed_note_count, created_at}
"""
from datetime import datetime

from services.treatment.domain.plans import DISCONTINUED, MET, objectives_of
from shared.events.registry import DomainEvent
from shared.events.treatment import discharge_summary_drafted

DRAFT = "draft"


def draft_summary(summary_id: str, discharge: dict, plan: dict | None, signed_note_count: int,
                  now: datetime) -> tuple[dict, list[DomainEvent]]:
    """The summary of an ended enrollment (``discharge``: intake's completed or discharged payload)
    from ``plan`` (None when the enrollment never had one), and its drafted event."""
    objectives = [{"objective_id": objective["id"], "problem_id": problem["id"], "goal_id": goal["id"],
                   "description": objective.get("description"), "target_date": objective.get("target_date"),
                   "measure": objective.get("measure"), "progress": objective.get("progress")}
                  for problem, goal, objective in (objectives_of(plan) if plan else [])]
    met = [entry["objective_id"] for entry in objectives if entry["progress"] == MET]
    discontinued = [entry["objective_id"] for entry in objectives if entry["progress"] == DISCONTINUED]
    unmet = [entry["objective_id"] for entry in objectives if entry["progress"] not in (MET, DISCONTINUED)]
    summary = {
        "_id": summary_id, "enrollment_id": discharge["enrollment_id"], "patient_id": discharge["patient_id"],
        "outcome": discharge["outcome"], "discharge_date": discharge["discharge_date"], "status": DRAFT,
        "plan_id": plan["_id"] if plan else None, "plan_version": plan["plan_version"] if plan else None,
        "plan_status": plan["status"] if plan else None,
        "problems": [{"id": problem["id"], "description": problem.get("description"),
                      "diagnosis_code": problem.get("diagnosis_code")} for problem in (plan or {}).get("problems", [])],
        "objectives": objectives, "met_objective_ids": met, "unmet_objective_ids": unmet,
        "discontinued_objective_ids": discontinued, "signed_note_count": signed_note_count, "created_at": now,
    }
    event = discharge_summary_drafted(summary_id=summary_id, enrollment_id=summary["enrollment_id"],
                                      patient_id=summary["patient_id"], plan_id=summary["plan_id"],
                                      objectives_met=len(met), objectives_not_met=len(unmet), unmet_objective_ids=unmet)
    return summary, [event]
