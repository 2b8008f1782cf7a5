"""Case-management tasks: staff complete, assign and reopen them; other services' events raise them.

An absence escalation calls for outreach, a risk flag for a same-day safety screening (C-SSRS and
a safety plan), a severe side effect for a prescriber's review. Each raised task's id derives from
the event's id, so a redelivery finds the task already there. A missed re-measurement
(intake.measurement.overdue) opens one re_measurement task per patient, instrument and due date.

A safety screening is completed only on a risk level and a safety plan recorded on or after its
screen (domain/suicide_risk.py); any other task on its own say-so.
"""
import logging

from services.aftercare.domain import suicide_risk as suicide_risk_rules
from services.aftercare.domain import tasks as task_rules
from services.aftercare.domain.tasks import Subject
from services.aftercare.store import (
    AftercareStore,
    event_task_id,
    measurement_task_id,
    patient_safety_id,
    plan_task_id,
)
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)


def complete_task(store: AftercareStore, cause: Cause, task_id: str, note: str | None = None) -> dict:
    """Complete an open or assigned task (emits aftercare.task.completed); 409 otherwise, and 409
    safety-assessment-required for a safety screening without its risk level and safety plan."""
    now = clock.now()
    task = store.tasks.find_one({"_id": task_id, "site_id": cause.site_id}, {"kind": 1, "patient_id": 1})
    if task is not None and task["kind"] == suicide_risk_rules.SAFETY_SCREENING:
        record = store.patient_safety.find_one({"_id": patient_safety_id(cause.site_id, task["patient_id"]),
                                                "site_id": cause.site_id})
        return _move(store, cause, task_id, lambda current: suicide_risk_rules.complete_screening(
            current, record, now, cause.actor, note))
    return _move(store, cause, task_id, lambda current: task_rules.complete(current, now, cause.actor, note))


def assign_task(store: AftercareStore, cause: Cause, task_id: str, assignee: str) -> dict:
    """Give an open task to one member of staff; 409 when it is not open."""
    now = clock.now()
    return _move(store, cause, task_id, lambda task: task_rules.assign(task, assignee, now, cause.actor))


def reopen_task(store: AftercareStore, cause: Cause, task_id: str, reason: str) -> dict:
    """Put a task back in the open pool, unassigned; the reason stays in its history."""
    now = clock.now()
    return _move(store, cause, task_id, lambda task: task_rules.reopen(task, now, cause.actor, reason))


def _move(store: AftercareStore, cause: Cause, task_id: str, move) -> dict:
    task = store.tasks.modify({"_id": task_id, "site_id": cause.site_id}, move, cause)
    if task is None:
        raise NotFound(f"No task {task_id} at this site.")
    return task


def raise_outreach(store: AftercareStore, cause: Cause, site: Site, escalation: Event) -> dict:
    """scheduling.absence.escalated: reach out to the patient the same day."""
    return _raise_for_event(store, cause, site, escalation, "outreach", escalation.payload["enrollment_id"])


def raise_safety_screening(store: AftercareStore, cause: Cause, site: Site, risk_flag: Event) -> dict:
    """intake.risk.flagged: screen with the C-SSRS and write a safety plan the same day (the day of
    the screen is kept in the task's source: what is recorded from then on completes it)."""
    day = risk_flag.occurred_at.astimezone(site.zone).date()
    return _raise_for_event(store, cause, site, risk_flag, "safety_screening", risk_flag.payload["enrollment_id"],
                            source=suicide_risk_rules.screen_source(_event_source(risk_flag), day))


def raise_re_measurement(store: AftercareStore, cause: Cause, site: Site, overdue: Event) -> dict:
    """intake.measurement.overdue: administer the missed instrument; one task per patient,
    instrument and due date, however often intake raises it."""
    payload = overdue.payload
    task_id = measurement_task_id(site.id, payload["patient_id"], payload["instrument"], payload["due_date"])
    return _raise_for_event(store, cause, site, overdue, "re_measurement", payload["enrollment_id"], task_id=task_id,
                            source={**_event_source(overdue), "instrument": payload["instrument"],
                                    "measurement_due_date": payload["due_date"]})


def settle_re_measurements(store: AftercareStore, cause: Cause, site: Site, recorded: Event) -> None:
    """intake.assessment.recorded: the instrument administered again settles the patient's missed
    re-measurements of it that were due by then (the assessment is attached; a task staff reopened
    after that stays open)."""
    payload = recorded.payload
    day, now = recorded.occurred_at.astimezone(site.zone).date(), clock.now()
    for task in store.tasks.find({"site_id": site.id, "patient_id": payload["patient_id"], "kind": "re_measurement",
                                  "status": {"$in": list(task_rules.ACTIVE_STATUSES)}}):
        if task_rules.settles_re_measurement(task, payload["instrument"], day):
            store.tasks.modify({"_id": task["_id"], "site_id": site.id}, lambda current: task_rules.fulfil(
                current, {"assessment_id": payload["assessment_id"]}, now), cause)


def raise_prescriber_review(store: AftercareStore, cause: Cause, site: Site, side_effect: Event) -> dict | None:
    """medication.side_effect.reported: a severe side effect goes to the prescriber the same day."""
    if side_effect.payload["severity"] != "severe":
        return None
    # A check-in names no enrollment.
    return _raise_for_event(store, cause, site, side_effect, "prescriber_review", enrollment_id=None)


def _raise_for_event(store: AftercareStore, cause: Cause, site: Site, event: Event, kind: str,
                     enrollment_id: str | None, task_id: str | None = None, source: dict | None = None) -> dict:
    # Due dates count from the day the event happened at the site, not from when it is handled,
    # so a redelivery or a backlog computes the same task.
    day = event.occurred_at.astimezone(site.zone).date()
    task = task_rules.follow_on_task(kind, day, site.calendar, task_id or event_task_id(event.event_id, kind),
                                     clock.now(), source=source or _event_source(event))
    subject = Subject(site.id, event.payload["patient_id"], enrollment_id, plan_of(store, site.id, enrollment_id))
    task, events = task_rules.open_task(subject, task)
    if store.tasks.insert_once(task, events, cause):
        log.info("task %s (%s) raised by %s", task["_id"], kind, event.event_type)
    return task


def _event_source(event: Event) -> dict:
    return {"event_type": event.event_type, "event_id": event.event_id}


def plan_of(store: AftercareStore, site_id: str, enrollment_id: str | None) -> str | None:
    """The enrollment's aftercare plan when one exists (a risk flag after discharge); during the
    program there is none and the task stands alone."""
    if enrollment_id is None:
        return None
    plan = store.plans.find_one({"site_id": site_id, "enrollment_id": enrollment_id}, {"_id": 1})
    return plan["_id"] if plan else None


def fulfil_plan_task(store: AftercareStore, cause: Cause, plan_id: str, kind: str, attachment: dict) -> None:
    """Another service's fact fulfilled a plan task: attach it and complete the task if still active.

    A task not written yet (its plan's creation was interrupted) is skipped: the resumed creation
    applies the fact."""
    now = clock.now()
    store.tasks.modify({"_id": plan_task_id(plan_id, kind), "site_id": cause.site_id},
                       lambda task: task_rules.fulfil(task, attachment, now), cause)
