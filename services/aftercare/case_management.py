"""Case management during and after the program: tasks raised by other services' events.

An absence escalation calls for outreach, a risk flag for a same-day safety screening (C-SSRS and
a safety plan), a severe side effect for a prescriber's review. Each task's id derives from the
event's id, so a redelivery finds the task already there.
"""
from functools import partial

from services.aftercare.domain.tasks import follow_on_task
from services.aftercare.records import insert_task, task_document
from services.aftercare.store import PLANS, event_task_id
from shared import clock
from shared.context import ServiceContext
from shared.events import Event


def raise_outreach(event: Event, context: ServiceContext) -> None:
    """scheduling.absence.escalated: reach out to the patient the same day."""
    _raise_task(event, context, "outreach", event.payload["enrollment_id"])


def raise_safety_screening(event: Event, context: ServiceContext) -> None:
    """intake.risk.flagged: screen with the C-SSRS and write a safety plan the same day."""
    _raise_task(event, context, "safety_screening", event.payload["enrollment_id"])


def raise_prescriber_review(event: Event, context: ServiceContext) -> None:
    """medication.side_effect.reported: a severe side effect goes to the prescriber the same day."""
    if event.payload["severity"] == "severe":
        _raise_task(event, context, "prescriber_review", enrollment_id=None)  # a check-in names no enrollment


def _raise_task(event: Event, context: ServiceContext, kind: str, enrollment_id: str | None) -> None:
    site = context.sites.get(event.site_id)
    # Due dates count from the day the event happened at the site, not from when it is handled,
    # so a redelivery or a backlog computes the same task.
    day = event.occurred_at.astimezone(site.zone).date()
    task = follow_on_task(kind, day, site.calendar, lambda: event_task_id(event.event_id, kind),
                          clock.now(), source={"event_type": event.event_type, "event_id": event.event_id})
    insert_task(context, task_document(task, site_id=site.id, patient_id=event.payload["patient_id"],
                                       enrollment_id=enrollment_id, plan_id=_plan_of(context, site.id, enrollment_id)),
                partial(context.event_caused_by, event))


def _plan_of(context: ServiceContext, site_id: str, enrollment_id: str | None) -> str | None:
    """The enrollment's aftercare plan when one exists (a risk flag after discharge); during the
    program there is none and the task stands alone."""
    if enrollment_id is None:
        return None
    plan = context.db[PLANS].find_one({"site_id": site_id, "enrollment_id": enrollment_id}, {"_id": 1})
    return plan["_id"] if plan else None
