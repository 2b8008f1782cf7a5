"""Writing tasks and referrals with their events: the one place handlers, sweeps and the API share.

``make_event(event_type, payload)`` is how a caller says who causes the events: a handler passes
``context.event_caused_by(event, ...)``, the API the request's correlation id, a sweep the plan's.
"""
import logging
from collections.abc import Callable
from datetime import date, datetime

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.aftercare.domain import tasks as task_rules
from services.aftercare.store import TASKS, plan_task_id
from shared.context import ServiceContext
from shared.http.fields import stored
from shared.outbox import insert_with_events, modify

log = logging.getLogger(__name__)

EventMaker = Callable[[str, dict], dict]

# The actor written into a task's history when an event, not a person, moved it.
SYSTEM_ACTOR = "aftercare"


def insert_once(collection: Collection, document: dict, events: list[dict]) -> bool:
    """Insert a document with a derived id; False when it is already there (a redelivery or a
    resumed creation), which the caller treats as done and carries on."""
    try:
        insert_with_events(collection, document, events)
        return True
    except DuplicateKeyError:
        return False


def task_document(task: dict, *, site_id: str, patient_id: str, enrollment_id: str | None,
                  plan_id: str | None) -> dict:
    """A task from the domain rules, as stored: ``_id`` from its id, the due date as a string."""
    document = {key: value for key, value in task.items() if key != "id"}
    return {
        "_id": task["id"],
        "site_id": site_id,
        "plan_id": plan_id,
        "enrollment_id": enrollment_id,
        "patient_id": patient_id,
        **document,
        "due_date": stored(task["due_date"]),
    }


def task_payload(task: dict) -> dict:
    return {
        "task_id": task["_id"],
        "patient_id": task["patient_id"],
        "enrollment_id": task["enrollment_id"],
        "plan_id": task["plan_id"],
        "kind": task["kind"],
        "due_date": date.fromisoformat(task["due_date"]),
    }


def insert_task(context: ServiceContext, task: dict, make_event: EventMaker) -> bool:
    """Store a new task with its aftercare.task.created; False when it already existed."""
    created = insert_once(context.db[TASKS], task, [make_event("aftercare.task.created", task_payload(task))])
    if created:
        log.info("task %s (%s) created", task["_id"], task["kind"])
    return created


def completion(task: dict, now: datetime, actor: str, make_event: EventMaker, note: str | None = None):
    """The changes and the aftercare.task.completed event of completing ``task`` (state machine checked)."""
    completed = task_rules.complete(task, now, actor, note)
    changes = {"status": completed["status"], "completed_at": completed["completed_at"], "history": completed["history"]}
    return changes, [make_event("aftercare.task.completed", task_payload(task))]


def close_plan_task(context: ServiceContext, site_id: str, plan_id: str, kind: str, attachment: dict,
                    make_event: EventMaker, now: datetime) -> None:
    """An event fulfilled a plan task: attach what fulfilled it (an attended visit, a
    reconciliation) and complete the task if it is still active.

    Runs once per new attachment: re-applying the same fact changes nothing, so a redelivery does
    not complete again a task that staff reopened on purpose. A task not written yet (its plan's
    creation was interrupted) is skipped: the resumed creation applies the fact."""

    def change(task):
        if all(task.get(key) == value for key, value in attachment.items()):
            return None
        if task["status"] not in task_rules.ACTIVE_STATUSES:
            return attachment, []
        changes, events = completion(task, now, SYSTEM_ACTOR, make_event)
        return {**attachment, **changes}, events

    modify(context.db[TASKS], {"_id": plan_task_id(plan_id, kind), "site_id": site_id}, change)


def referral_payload(referral: dict) -> dict:
    return {
        "referral_id": referral["_id"],
        "plan_id": referral["plan_id"],
        "enrollment_id": referral["enrollment_id"],
        "patient_id": referral["patient_id"],
        "level_of_care": referral["level_of_care"],
        "status": referral["status"],
    }


def referral_document(referral: dict, plan: dict, correlation_id: str) -> dict:
    """A referral from the domain rules, as stored, with the plan's ids for its events and the
    correlation that the tasks a sweep raises for it later will carry."""
    document = {key: value for key, value in referral.items() if key != "id"}
    return {"_id": referral["id"], "site_id": plan["site_id"], "enrollment_id": plan["enrollment_id"],
            "patient_id": plan["patient_id"], **document, "correlation_id": correlation_id}
