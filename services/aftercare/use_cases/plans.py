"""Making the aftercare plan when a discharge arrives (the heart of the completion fan-out), and
reading a plan with everything that hangs off it.

The plan, each of its tasks and its step-down referral are separate documents, each inserted with
its own events under an id derived from its natural key. A crash halfway leaves some of them
written; the redelivered event recomputes the same ids, skips what exists and writes the rest.
"""
import logging
from functools import partial

from services.aftercare.domain import consents as consent_rules
from services.aftercare.domain.follow_up import exclusion_of, follow_up_status
from services.aftercare.domain.plans import plan_for_discharge
from services.aftercare.domain.site_settings import site_templates
from services.aftercare.domain.templates import DEFAULT_TEMPLATES, choose_template
from services.aftercare.store import AftercareStore, plan_id_for, plan_task_id, step_down_referral_id
from services.aftercare.use_cases.consents import consent_status, covering_consent, settle_consent_tasks
from services.aftercare.use_cases.follow_up import apply_enrollment_facts, record_staff_visit
from services.aftercare.use_cases.providers import resolve_provider
from services.aftercare.use_cases.referrals import traced
from services.aftercare.use_cases.suicide_risk import safety_summary
from shared import clock
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)


def create_plan_on_discharge(store: AftercareStore, cause: Cause, site: Site, ended: Event) -> dict:
    """Exactly one plan per enrollment (intake.enrollment.completed or .discharged), with its tasks
    and step-down referral, then whatever facts arrived before it; resumable. Returns the plan.

    The step-down's provider is resolved in the site's directory (matched or added). For a
    substance-use program, an obtain_consent task is opened when no active consent covers it."""
    discharge = ended.payload
    plan_id = plan_id_for(site.id, discharge["enrollment_id"])
    template = choose_template(DEFAULT_TEMPLATES, site_templates(site), discharge["program"], discharge["outcome"])
    step_down = discharge.get("step_down") or {}
    provider = resolve_provider(store, site.id, step_down.get("provider_id"), step_down.get("level_of_care"))
    provider_id = provider["_id"] if provider else None
    consent_missing = step_down and consent_rules.needs_consent(site.programs, discharge["program"]) and \
        covering_consent(store, site, discharge["patient_id"], provider_id) is None
    made = plan_for_discharge(discharge, site_id=site.id, plan_id=plan_id, template=template, calendar=site.calendar,
                              task_id_of=partial(plan_task_id, plan_id), referral_id=step_down_referral_id(plan_id),
                              now=clock.now(), provider_id=provider_id, consent_missing=bool(consent_missing))
    plan, events = made.plan
    # Events the sweeps raise later for this plan follow the discharge's correlation.
    plan = {**traced(plan, cause), "caused_by": ended.event_id}
    resumed = not store.plans.insert_once(plan, events, cause)
    if resumed:
        plan = store.plans.find_one({"_id": plan_id, "site_id": site.id})
    else:
        log.info("plan %s created from template %s", plan_id, template["name"])
    # Whether or not the plan was new, its tasks and referral may still be missing: fill the gaps
    # (the tasks in one write, those already there skipped).
    store.tasks.insert_many_once(made.tasks, cause)
    if made.referral:
        referral, events = made.referral
        store.referrals.insert_once(traced(referral, cause), events, cause)
    apply_enrollment_facts(store, cause, site, discharge["enrollment_id"])
    # A consent that arrived while the plan was being made settles its obtain_consent task now. Only
    # a plan that found none (or one made before, whose creation this resumes) can hold such a task;
    # the patient's other tasks were settled as their consent arrived.
    if consent_missing or resumed:
        settle_consent_tasks(store, cause, site, discharge["patient_id"])
    return plan


def plan_with_its_parts(store: AftercareStore, site: Site, plan: dict) -> dict:
    """The plan with its tasks and referrals (kept in their own collections), its follow-up
    windows as of the site's today (``within_7``/``within_30``), and the patient's current safety
    plan and latest risk level (read now: a safety plan written after the plan is the one named)."""
    selector = {"site_id": plan["site_id"], "plan_id": plan["_id"]}
    follow_up = plan["follow_up"]
    return {
        **plan,
        "follow_up": {**follow_up, **follow_up_status(plan["discharge_date"], follow_up["visits"], site.today())},
        "follow_up_exclusion": exclusion_of(plan),
        "tasks": store.tasks.find(selector, sort=[("due_date", 1), ("kind", 1)]),
        "referrals": store.referrals.find(selector, sort=[("created_at", 1), ("_id", 1)]),
        "consents": consent_status(store, site, plan["patient_id"]),
        **safety_summary(store, site.id, plan["patient_id"]),
    }


def add_follow_up_visit(store: AftercareStore, cause: Cause, site: Site, plan_id: str, visit: dict) -> dict:
    """A follow-up visit staff record (``visit``: visited_on, kind, provider_id?); the plan as it is then."""
    plan = record_staff_visit(store, cause, site, plan_id, visit["visited_on"], visit["kind"], visit.get("provider_id"))
    return plan_with_its_parts(store, site, plan)
