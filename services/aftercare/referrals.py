"""Closed-loop referrals: staff add and move them, and the tasks that keep the loop closed.

Sending a referral of the plan fulfils the plan's step_down_referral task, which is completed
then; a decline opens a re-referral task; a sent referral not accepted in time opens a referral
follow-up task. Each task is written after the referral's own change (a separate document), then
marked on the referral; the referral sweep finds any referral whose mark is missing after a crash
and writes the task then, under the same derived id.
"""
import logging
import uuid
from datetime import date

from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.tasks import follow_on_task
from services.aftercare.records import (
    EventMaker,
    close_plan_task,
    insert_task,
    referral_document,
    referral_payload,
    task_document,
)
from services.aftercare.store import REFERRALS, referral_task_id
from shared import clock
from shared.context import ServiceContext
from shared.errors import NotFound
from shared.outbox import insert_with_events, modify
from shared.sites import Site

log = logging.getLogger(__name__)

# The mark a referral carries once its follow-on task of this kind exists.
TASK_MARKS = {"re_referral": "re_referral_task_id", "referral_follow_up": "referral_follow_up_task_id"}


def add_referral(context: ServiceContext, plan: dict, level_of_care: str, provider: str | None,
                 make_event: EventMaker, correlation_id: str) -> dict:
    """A further referral staff add to a plan, in status ``created``."""
    now = clock.now()
    referral = referral_document(referral_rules.new_referral(plan["_id"], level_of_care, lambda: str(uuid.uuid4()), now,
                                                             provider=provider), plan, correlation_id)
    return insert_with_events(context.db[REFERRALS], referral,
                              [make_event("aftercare.referral.created", referral_payload(referral))])


def move_referral(context: ServiceContext, site: Site, referral_id: str, to: str, actor: str, make_event: EventMaker,
                  note: str | None = None, reason: str | None = None) -> dict:
    """Move a referral along its state machine (409 when illegal), emitting aftercare.referral.updated;
    a decline then opens the re-referral task."""
    now = clock.now()

    def change(referral):
        # The domain names a referral's id ``id``; storage names it ``_id``.
        moved, _ = referral_rules.transition({**referral, "id": referral["_id"]}, to, now, actor, note=note, reason=reason)
        changes = {key: value for key, value in moved.items() if key != "id" and referral.get(key) != value}
        event = make_event("aftercare.referral.updated", {**referral_payload(moved), "previous_status": referral["status"]})
        return changes, [event]

    referral = modify(context.db[REFERRALS], {"_id": referral_id, "site_id": site.id}, change)
    if referral is None:
        raise NotFound(f"No referral {referral_id} at this site.")
    log.info("referral %s moved to %s", referral_id, to)
    if referral["status"] == "sent":
        close_plan_task(context, site.id, referral["plan_id"], "step_down_referral", {"referral_id": referral_id},
                        make_event, clock.now())
    if referral["status"] == "declined":
        raise_referral_task(context, site, referral, "re_referral", site.today(), make_event)
    return context.db[REFERRALS].find_one({"_id": referral_id, "site_id": site.id})


def raise_referral_task(context: ServiceContext, site: Site, referral: dict, kind: str, today: date,
                        make_event: EventMaker) -> None:
    """Write the referral's follow-on task (once: its id derives from the referral), then mark it."""
    task_id = referral_task_id(referral["_id"], kind)
    task = follow_on_task(kind, today, site.calendar, lambda: task_id, clock.now(),
                          source={"referral_id": referral["_id"], "level_of_care": referral["level_of_care"]})
    insert_task(context, task_document(task, site_id=site.id, patient_id=referral["patient_id"],
                                       enrollment_id=referral["enrollment_id"], plan_id=referral["plan_id"]), make_event)
    context.db[REFERRALS].update_one({"_id": referral["_id"], "site_id": site.id}, {"$set": {TASK_MARKS[kind]: task_id}})
