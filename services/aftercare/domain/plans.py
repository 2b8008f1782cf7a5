"""The aftercare plan a discharge starts: the plan, its tasks and its step-down referral.

Each is a separate document created with the events it causes (there are no multi-document
transactions, ARCHITECTURE.md §2); their ids come from the caller, derived from natural keys, so
that a redelivered or resumed discharge computes the same documents again.
"""
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime

from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.follow_up import NO_FOLLOW_UP_YET, days_to_first_visit, exclusion_of
from services.aftercare.domain.tasks import Subject, follow_on_task, open_task
from services.aftercare.domain.templates import CLOSING, build_plan_tasks
from shared.business_days import BusinessCalendar
from shared.events.aftercare import plan_created
from shared.events.registry import DomainEvent

# A new document and the events its creation causes.
Creation = tuple[dict, list[DomainEvent]]


@dataclass(frozen=True)
class NewPlan:
    plan: Creation
    tasks: list[Creation]
    # None when the discharge names no step-down level of care.
    referral: Creation | None


def plan_for_discharge(discharge: dict, *, site_id: str, plan_id: str, template: dict, calendar: BusinessCalendar,
                       task_id_of: Callable[[str], str], referral_id: str, now: datetime,
                       provider_id: str | None = None, consent_missing: bool = False) -> NewPlan:
    """The plan of an ended enrollment (``discharge`` as intake.enrollment.completed/discharged
    carry it), made from ``template``, with the aftercare.plan.created, task.created and
    referral.created events each part causes.

    ``provider_id`` is the directory entry the step-down names (resolved by the caller);
    ``consent_missing`` adds an obtain_consent task: a substance-use program's records cannot go
    to the step-down provider until a consent covers it."""
    tasks = build_plan_tasks(template, discharge["discharge_date"], calendar, task_id_of, now)
    step_down = discharge.get("step_down")
    if consent_missing and template["name"] != CLOSING["name"]:
        tasks.append(follow_on_task("obtain_consent", discharge["discharge_date"], calendar,
                                    task_id_of("obtain_consent"), now,
                                    source={"plan_id": plan_id, "provider_id": provider_id}))
    plan = {
        "_id": plan_id,
        "site_id": site_id,
        "enrollment_id": discharge["enrollment_id"],
        "patient_id": discharge["patient_id"],
        "program": discharge["program"],
        "outcome": discharge["outcome"],
        "discharge_date": discharge["discharge_date"],
        "template": template["name"],
        "status": "active",
        "step_down_level_of_care": step_down["level_of_care"] if step_down else None,
        "follow_up": deepcopy(NO_FOLLOW_UP_YET),
        "discharge_summary": None,
        "goals": [],
        "created_at": now,
    }
    plan["follow_up_exclusion"] = exclusion_of(plan)
    plan["follow_up_days"] = days_to_first_visit(plan["discharge_date"], plan["follow_up"])
    created = plan_created(plan_id=plan_id, enrollment_id=plan["enrollment_id"], patient_id=plan["patient_id"],
                           outcome=plan["outcome"], task_count=len(tasks))
    # After a death there is no one to refer: the closing plan makes no referral.
    referral = referral_rules.new_referral(plan, step_down["level_of_care"], referral_id, now,
                                           provider=step_down.get("provider_id"), provider_id=provider_id) \
        if step_down and template["name"] != CLOSING["name"] else None
    return NewPlan((plan, [created]), [open_task(Subject.of_plan(plan), task) for task in tasks], referral)
