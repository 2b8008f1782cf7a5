"""Making the aftercare plan when a discharge arrives: the heart of the completion fan-out."""
import uuid
from datetime import datetime, timezone

from pymongo.errors import DuplicateKeyError

from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.templates import DEFAULT_TEMPLATES, build_plan_tasks, choose_template
from services.aftercare.store import PLANS
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored
from shared.outbox import insert_with_events


def _new_id() -> str:
    return str(uuid.uuid4())


def create_plan_for_discharge(event: Event, context: ServiceContext) -> None:
    """Exactly one plan per enrollment: the unique index turns a redelivery into a no-op."""
    payload = event.payload
    site = context.sites.get(event.site_id)
    now = datetime.now(timezone.utc)
    plan_id = _new_id()
    template = choose_template(DEFAULT_TEMPLATES, site.options.get("aftercare_templates"),
                               payload["program"], payload["outcome"])
    tasks = build_plan_tasks(template, payload["discharge_date"], site.calendar, _new_id, now=now)
    referrals = []
    step_down = payload.get("step_down")
    if step_down:
        referrals.append(referral_rules.new_referral(plan_id, step_down["level_of_care"], _new_id, now,
                                                     provider=step_down.get("provider_id")))
    plan = {
        "_id": plan_id,
        "site_id": event.site_id,
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "program": payload["program"],
        "outcome": payload["outcome"],
        "discharge_date": stored(payload["discharge_date"]),
        "template": template["name"],
        "status": "active",
        "tasks": [{**task, "due_date": stored(task["due_date"])} for task in tasks],
        "referrals": referrals,
        "created_at": now,
        "caused_by": event.event_id,
    }
    events = [context.event_caused_by(event, "aftercare.plan.created", {
        "plan_id": plan_id, "enrollment_id": plan["enrollment_id"], "patient_id": plan["patient_id"],
        "outcome": plan["outcome"], "task_count": len(tasks),
    })]
    for task in tasks:
        events.append(context.event_caused_by(event, "aftercare.task.created", {
            "task_id": task["id"], "patient_id": plan["patient_id"], "enrollment_id": plan["enrollment_id"],
            "plan_id": plan_id, "kind": task["kind"], "due_date": task["due_date"],
        }))
    for referral in referrals:
        events.append(context.event_caused_by(event, "aftercare.referral.created", {
            "referral_id": referral["id"], "plan_id": plan_id, "enrollment_id": plan["enrollment_id"],
            "patient_id": plan["patient_id"], "level_of_care": referral["level_of_care"], "status": referral["status"],
        }))
    try:
        insert_with_events(context.db[PLANS], plan, events)
    except DuplicateKeyError:
        pass  # the plan for this enrollment exists: this delivery is a duplicate
