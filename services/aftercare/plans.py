"""Making the aftercare plan when a discharge arrives: the heart of the completion fan-out.

The plan, each of its tasks and its step-down referral are separate documents, each inserted with
its own events under an id derived from its natural key. A crash halfway leaves some of them
written; the redelivered event recomputes the same ids, skips what exists and writes the rest.
"""
import logging
from functools import partial

from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.templates import DEFAULT_TEMPLATES, build_plan_tasks, choose_template
from services.aftercare.follow_through import apply_enrollment_facts
from services.aftercare.records import insert_once, insert_task, referral_document, referral_payload, task_document
from services.aftercare.store import PLANS, REFERRALS, plan_id_for, plan_task_id, step_down_referral_id
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored

log = logging.getLogger(__name__)

# What a plan knows of its follow-up visit before anything is booked or attended.
NO_FOLLOW_UP_YET = {"appointment_id": None, "starts_at": None, "late": False, "due_date": None,
                    "visits": [], "met_on": None, "overdue": {}}


def create_plan_for_discharge(event: Event, context: ServiceContext) -> None:
    """Exactly one plan per enrollment, with its tasks and step-down referral; resumable."""
    payload = event.payload
    site = context.sites.get(event.site_id)
    now = clock.now()
    make_event = partial(context.event_caused_by, event)
    plan_id = plan_id_for(site.id, payload["enrollment_id"])
    template = choose_template(DEFAULT_TEMPLATES, site.options.get("aftercare_templates"),
                               payload["program"], payload["outcome"])
    tasks = build_plan_tasks(template, payload["discharge_date"], site.calendar, new_id=lambda: None, now=now)
    plan = {
        "_id": plan_id,
        "site_id": site.id,
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "program": payload["program"],
        "outcome": payload["outcome"],
        "discharge_date": stored(payload["discharge_date"]),
        "template": template["name"],
        "status": "active",
        "follow_up": NO_FOLLOW_UP_YET,
        "created_at": now,
        "caused_by": event.event_id,
        # Events the sweeps raise later for this plan follow the completion's correlation.
        "correlation_id": event.correlation_id,
    }
    plan_created = make_event("aftercare.plan.created", {
        "plan_id": plan_id, "enrollment_id": plan["enrollment_id"], "patient_id": plan["patient_id"],
        "outcome": plan["outcome"], "task_count": len(tasks),
    })
    if insert_once(context.db[PLANS], plan, [plan_created]):
        log.info("plan %s created from template %s", plan_id, template["name"])
    # Whether or not the plan was new, its tasks and referral may still be missing: fill the gaps.
    for task in tasks:
        insert_task(context, task_document({**task, "id": plan_task_id(plan_id, task["kind"])}, site_id=site.id,
                                           patient_id=plan["patient_id"], enrollment_id=plan["enrollment_id"],
                                           plan_id=plan_id), make_event)
    step_down = payload.get("step_down")
    if step_down:
        referral = referral_document(referral_rules.new_referral(
            plan_id, step_down["level_of_care"], lambda: step_down_referral_id(plan_id), now,
            provider=step_down.get("provider_id")), plan, event.correlation_id)
        insert_once(context.db[REFERRALS], referral, [make_event("aftercare.referral.created", referral_payload(referral))])
    apply_enrollment_facts(context, site.id, plan["enrollment_id"], make_event)
