"""Tasks the episode of care raises during the program (treatment plans and reviews due, session
notes overdue, weeks below the program's minimum hours), and the facts that settle them.

Each task's id derives from its natural key (enrollment, kind and due date; the note; enrollment
and week), so a redelivery finds it there. Settling facts (a plan activated, a review recorded, a
note signed) are recorded in the enrollment's facts first and then applied to its open tasks, so
that a fact arriving before its task settles the task when it is opened: any order ends alike.
"""
import logging

from services.aftercare.domain import clinical_tasks as clinical_rules
from services.aftercare.domain import tasks as task_rules
from services.aftercare.domain.tasks import Subject
from services.aftercare.store import (
    AftercareStore,
    enrollment_facts_id,
    intensity_task_id,
    note_task_id,
    treatment_task_id,
)
from services.aftercare.use_cases.follow_up import record_fact
from services.aftercare.use_cases.tasks import plan_of
from shared import clock
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)


def open_treatment_plan_task(store: AftercareStore, cause: Cause, site: Site, review_due: Event) -> dict:
    """treatment.plan.review_due: a treatment_plan (initial_plan) or treatment_plan_review task for
    the clinician, due on the due date; settled at once if the plan was activated or reviewed already."""
    payload = review_due.payload
    kind = clinical_rules.TREATMENT_TASK_KINDS[payload["kind"]]
    task = clinical_rules.review_due_task(payload, treatment_task_id(site.id, payload["enrollment_id"], kind,
                                                                     payload["due_date"]),
                                          clock.now(), _source(review_due))
    return _open(store, cause, site, payload, task)


def open_session_note_task(store: AftercareStore, cause: Cause, site: Site, overdue: Event) -> dict:
    """treatment.note.overdue: a session_note task for the note's author role."""
    payload = overdue.payload
    task = clinical_rules.note_task(payload, note_task_id(site.id, payload["note_id"]), clock.now(), site.zone,
                                    _source(overdue))
    return _open(store, cause, site, payload, task)


def open_intensity_review(store: AftercareStore, cause: Cause, site: Site, below: Event) -> dict:
    """scheduling.intensity.below_minimum: a case-management task, once per enrollment and week."""
    payload = below.payload
    day = below.occurred_at.astimezone(site.zone).date()
    task = task_rules.follow_on_task("intensity_review", day, site.calendar,
                                     intensity_task_id(site.id, payload["enrollment_id"], payload["week_start"]),
                                     clock.now(), source={**_source(below), "week_start": payload["week_start"],
                                                          "attended_minutes": payload["attended_minutes"],
                                                          "minimum_minutes": payload["minimum_minutes"]})
    return _open(store, cause, site, payload, task, settle=False)


def record_plan_activated(store: AftercareStore, cause: Cause, site: Site, activated: Event) -> None:
    """treatment.plan.activated: the first plan is in force (settles treatment_plan tasks)."""
    payload = activated.payload
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: clinical_rules.plan_activated(facts, payload["plan_id"], activated.occurred_at))
    settle_clinical_tasks(store, cause, site, payload["enrollment_id"], facts)


def record_plan_reviewed(store: AftercareStore, cause: Cause, site: Site, reviewed: Event) -> None:
    """treatment.plan.reviewed: settles the review tasks due before the next review it sets."""
    payload = reviewed.payload
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: clinical_rules.plan_reviewed(facts, payload))
    settle_clinical_tasks(store, cause, site, payload["enrollment_id"], facts)


def record_note_signed(store: AftercareStore, cause: Cause, site: Site, signed: Event) -> None:
    """treatment.note.signed: settles the note's session_note task."""
    payload = signed.payload
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: clinical_rules.note_signed(facts, payload["note_id"], signed.occurred_at))
    settle_clinical_tasks(store, cause, site, payload["enrollment_id"], facts)


def settle_clinical_tasks(store: AftercareStore, cause: Cause, site: Site, enrollment_id: str,
                          facts: dict | None = None) -> None:
    """Complete each active task of the enrollment that a recorded fact settles (``facts`` when the
    caller has just written them, else read)."""
    if facts is None:
        facts = store.enrollment_facts.find_one({"_id": enrollment_facts_id(site.id, enrollment_id),
                                                 "site_id": site.id})
    if facts is None:
        return
    now = clock.now()
    for task in store.tasks.find({"site_id": site.id, "enrollment_id": enrollment_id,
                                  "kind": {"$in": list(clinical_rules.SETTLED_KINDS)}}):
        attachment = clinical_rules.settlement(task, facts)
        if attachment is not None:
            store.tasks.modify({"_id": task["_id"], "site_id": site.id},
                               lambda current, attachment=attachment: task_rules.fulfil(current, attachment, now),
                               cause)


def _open(store: AftercareStore, cause: Cause, site: Site, payload: dict, task: dict, settle: bool = True) -> dict:
    subject = Subject(site.id, payload["patient_id"], payload["enrollment_id"],
                      plan_of(store, site.id, payload["enrollment_id"]))
    task, events = task_rules.open_task(subject, task)
    if store.tasks.insert_once(task, events, cause):
        log.info("task %s (%s) opened", task["_id"], task["kind"])
    if settle:
        settle_clinical_tasks(store, cause, site, payload["enrollment_id"])
    return task


def _source(event: Event) -> dict:
    return {"event_type": event.event_type, "event_id": event.event_id}
