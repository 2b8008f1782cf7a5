"""Closed-loop referrals: staff add and move them, and the tasks that keep the loop closed.

Sending a referral of the plan fulfils the plan's step_down_referral task, which is completed
then; a decline opens a re-referral task; a sent referral not accepted in time opens a referral
follow-up task (see the sweeps). Each task is written after the referral's own change (a separate
document), then marked on the referral; the referral sweep finds any referral whose mark is
missing after a crash and writes the task then, under the same derived id.
"""
import logging
import uuid
from datetime import date

from services.aftercare.domain import referrals as referral_rules
from services.aftercare.store import AftercareStore, referral_task_id
from services.aftercare.use_cases.tasks import fulfil_plan_task
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site

log = logging.getLogger(__name__)


def add_referral(store: AftercareStore, cause: Cause, plan_id: str, level_of_care: str, provider: str | None) -> dict:
    """A further referral staff add to a plan of their site, in status ``created``."""
    plan = store.plans.find_one({"_id": plan_id, "site_id": cause.site_id})
    if plan is None:
        raise Invalid({"plan_id": ["No such plan at this site."]})
    referral, events = referral_rules.new_referral(plan, level_of_care, str(uuid.uuid4()), clock.now(),
                                                   provider=provider)
    return store.referrals.insert(traced(referral, cause), events, cause)


def traced(document: dict, cause: Cause) -> dict:
    """The document with its cause's correlation, which the events a sweep raises for it later carry."""
    return {**document, "correlation_id": cause.correlation_id}


def move_referral(store: AftercareStore, cause: Cause, site: Site, referral_id: str, to: str,
                  note: str | None = None, reason: str | None = None) -> dict:
    """Move a referral along its state machine (409 when illegal), emitting aftercare.referral.updated;
    sending completes the plan's step-down referral task, declining opens the re-referral task."""
    now = clock.now()
    referral = store.referrals.modify(
        {"_id": referral_id, "site_id": cause.site_id},
        lambda current: referral_rules.transition(current, to, now, cause.actor, note=note, reason=reason), cause)
    if referral is None:
        raise NotFound(f"No referral {referral_id} at this site.")
    log.info("referral %s moved to %s", referral_id, to)
    if referral["status"] == "sent":
        fulfil_plan_task(store, cause, referral["plan_id"], "step_down_referral", {"referral_id": referral_id})
    if referral_rules.owes_re_referral(referral):
        referral = raise_referral_task(store, cause, site, referral, "re_referral", site.today())
    return referral


def raise_referral_task(store: AftercareStore, cause: Cause, site: Site, referral: dict, kind: str,
                        today: date) -> dict:
    """Write the referral's follow-on task (once: its id derives from the referral), then mark it
    on the referral, which is returned as marked."""
    task_id = referral_task_id(referral["_id"], kind)
    task, events = referral_rules.follow_on(referral, kind, today, site.calendar, task_id, clock.now())
    if store.tasks.insert_once(task, events, cause):
        log.info("referral %s: %s task %s", referral["_id"], kind, task_id)
    return store.referrals.modify({"_id": referral["_id"], "site_id": cause.site_id},
                                  lambda current: referral_rules.mark_task(current, kind, task_id))
