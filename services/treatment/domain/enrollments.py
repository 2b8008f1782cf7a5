"""What treatment knows of an enrollment, learned from intake's events, and when its first plan is due.

Treatment never reads intake's database (ARCHITECTURE.md §1). One document per enrollment absorbs
intake's events in whatever order and however often they arrive::

    {_id, enrollment_id, patient_id, status: "active" | "completed" | "discharged",
     program, level_of_care, start_date, planned_end_date, admitted_at,
     diagnoses: [{code, rank}], diagnoses_at,
     level_of_care_changes: {"<effective_date>:<program>": {effective_date, program, level_of_care, previous_program}},
     outcome, discharge_date, initial_plan_due_raised}

Diagnoses are latest-wins by the instant intake reported them; a change of level of care is kept
under its own key, so a redelivery rewrites the same entry; an admission arriving after the
discharge does not reopen the enrollment.
"""
from datetime import date, datetime, timedelta

from shared.events.registry import DomainEvent
from shared.events.treatment import plan_review_due

ACTIVE, COMPLETED, DISCHARGED = "active", "completed", "discharged"


def new_enrollment(document_id: str, enrollment_id: str, patient_id: str) -> dict:
    """An enrollment first heard of, before any of its facts are applied."""
    return {"_id": document_id, "enrollment_id": enrollment_id, "patient_id": patient_id, "status": ACTIVE,
            "program": None, "level_of_care": None, "start_date": None, "planned_end_date": None,
            "admitted_at": None, "diagnoses": [], "diagnoses_at": None, "level_of_care_changes": {},
            "outcome": None, "discharge_date": None, "initial_plan_due_raised": None}


def admitted(enrollment: dict, admission: dict, occurred_at: datetime) -> dict | None:
    """The admission's facts (intake.enrollment.admitted); None when they are recorded already."""
    changes = {"start_date": admission["start_date"], "planned_end_date": admission["planned_end_date"],
               "admitted_at": occurred_at}
    if not enrollment["level_of_care_changes"]:
        # A change of level of care, whenever it arrived, says more about the current program.
        changes.update(program=admission["program"], level_of_care=admission.get("level_of_care"))
    return _only_news(enrollment, changes)


def diagnoses_reported(enrollment: dict, diagnoses: list[dict], occurred_at: datetime) -> dict | None:
    """The diagnoses intake reported last (intake.diagnoses.updated), whatever order reports arrive in."""
    if enrollment["diagnoses_at"] is not None and occurred_at < enrollment["diagnoses_at"]:
        return None
    ranked = sorted(({"code": item["code"], "rank": item["rank"]} for item in diagnoses),
                    key=lambda item: (item["rank"], item["code"]))
    return _only_news(enrollment, {"diagnoses": ranked, "diagnoses_at": occurred_at})


def level_of_care_changed(enrollment: dict, change: dict) -> dict | None:
    """A change of level of care (intake.level_of_care.changed), kept under its day and program; the
    latest by effective day names the enrollment's current program."""
    key = f"{change['effective_date'].isoformat()}:{change['program']}"
    entry = {"effective_date": change["effective_date"], "program": change["program"],
             "level_of_care": change.get("level_of_care"), "previous_program": change["previous_program"]}
    changes = {**enrollment["level_of_care_changes"], key: entry}
    latest = max(changes.values(), key=lambda item: (item["effective_date"], item["program"]))
    return _only_news(enrollment, {"level_of_care_changes": changes, "program": latest["program"],
                                   "level_of_care": latest["level_of_care"]})


def level_of_care_dates(enrollment: dict) -> list[date]:
    return sorted({entry["effective_date"] for entry in enrollment["level_of_care_changes"].values()})


def ended(enrollment: dict, discharge: dict) -> dict | None:
    """The end of the enrollment (intake.enrollment.completed or .discharged)."""
    status = COMPLETED if discharge["outcome"] == COMPLETED else DISCHARGED
    return _only_news(enrollment, {"status": status, "outcome": discharge["outcome"],
                                   "discharge_date": discharge["discharge_date"]})


def first_plan_due(enrollment: dict, first_plan_due_days: int) -> date | None:
    """The day the first plan is due: that many days after admission; None before the admission is known."""
    start = enrollment["start_date"]
    return start + timedelta(days=first_plan_due_days) if start else None


def raise_initial_plan_due(enrollment: dict, today: date, first_plan_due_days: int, has_plan_in_force: bool,
                           draft_id: str | None) -> tuple[dict, list[DomainEvent]] | None:
    """treatment.plan.review_due (``initial_plan``) once, from the day the first plan is due, when the
    enrollment is still going on and no plan of it is in force; None otherwise."""
    due = first_plan_due(enrollment, first_plan_due_days)
    if (enrollment["status"] != ACTIVE or due is None or due > today or has_plan_in_force
            or enrollment["initial_plan_due_raised"] is not None):
        return None
    event = plan_review_due(enrollment_id=enrollment["enrollment_id"], patient_id=enrollment["patient_id"],
                            plan_id=draft_id, due_date=due, kind="initial_plan", trigger=None)
    return {"initial_plan_due_raised": due}, [event]


def _only_news(enrollment: dict, changes: dict) -> dict | None:
    return changes if any(enrollment.get(key) != value for key, value in changes.items()) else None
