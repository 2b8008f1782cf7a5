"""What other services tell aftercare about an enrollment after it ends: the follow-up appointment
booked and attended (scheduling), the discharge medication list reconciled (medication).

Events arrive in any order and more than once. Each fact is first recorded in the enrollment's
facts document (``enrollment_facts``), then applied to the plan when there is one; creating a plan
applies whatever facts were recorded before it. Recording is idempotent and latest-wins by the
instant the fact occurred, and applying derives everything from the recorded facts, so every
order of arrival ends in the same plan and tasks.
"""
import logging
from functools import partial

from services.aftercare.records import EventMaker, close_plan_task, insert_once
from services.aftercare.store import ENROLLMENT_FACTS, PLANS, TASKS, enrollment_facts_id, plan_task_id
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored
from shared.outbox import modify

log = logging.getLogger(__name__)

FOLLOW_UP_APPOINTMENT_KIND = "aftercare_follow_up"


def record_admission(event: Event, context: ServiceContext) -> None:
    """Remember the enrollment from its start, so its facts document names its patient and program."""
    payload = event.payload
    _record_fact(context, event, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"admission": {"program": payload["program"], "start_date": stored(payload["start_date"])}})


def record_follow_up_booking(event: Event, context: ServiceContext) -> None:
    """scheduling.appointment.booked: the follow-up appointment ties to the plan's follow-up task."""
    payload = event.payload
    if payload["kind"] != FOLLOW_UP_APPOINTMENT_KIND or not payload["enrollment_id"]:
        return  # program sessions and appointments outside an enrollment are not aftercare's
    booking = {"appointment_id": payload["appointment_id"], "starts_at": payload["starts_at"],
               "late": payload["late"], "occurred_at": event.occurred_at}
    # A rebooking replaces the booking only if it happened later, whatever order they arrive in.
    _record_fact(context, event, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"booking": booking} if _is_later(booking, facts.get("booking"), "appointment_id") else None)
    apply_enrollment_facts(context, event.site_id, payload["enrollment_id"], partial(context.event_caused_by, event))


def record_follow_up_visit(event: Event, context: ServiceContext) -> None:
    """scheduling.appointment.attended: an attended follow-up visit may meet the follow-up."""
    payload = event.payload
    if payload["kind"] != FOLLOW_UP_APPOINTMENT_KIND or not payload["enrollment_id"]:
        return
    if payload["status"] != "attended":
        log.info("follow-up appointment %s: %s", payload["appointment_id"], payload["status"])
        return  # a no-show changes nothing: the overdue sweep notices the unmet follow-up
    visit_day = payload["starts_at"].astimezone(context.sites.get(event.site_id).zone).date()
    _record_fact(context, event, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"visits": {**(facts.get("visits") or {}), payload["appointment_id"]: stored(visit_day)}})
    apply_enrollment_facts(context, event.site_id, payload["enrollment_id"], partial(context.event_caused_by, event))


def record_follow_up_cancellation(event: Event, context: ServiceContext) -> None:
    """scheduling.appointment.cancelled: a cancelled follow-up no longer answers for the follow-up task.

    Kept as a set of cancelled appointments rather than by clearing the booking, so that a
    cancellation arriving before its booking still wins."""
    payload = event.payload
    if payload["kind"] != FOLLOW_UP_APPOINTMENT_KIND or not payload["enrollment_id"]:
        return
    _record_fact(context, event, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"cancelled": {**(facts.get("cancelled") or {}), payload["appointment_id"]: event.occurred_at}})
    apply_enrollment_facts(context, event.site_id, payload["enrollment_id"], partial(context.event_caused_by, event))


def record_reconciliation(event: Event, context: ServiceContext) -> None:
    """medication.reconciliation.completed: the medication handoff task closes with the reconciliation."""
    payload = event.payload
    reconciliation = {"reconciliation_id": payload["reconciliation_id"], "occurred_at": event.occurred_at}
    _record_fact(context, event, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"reconciliation": reconciliation}
                 if _is_later(reconciliation, facts.get("reconciliation"), "reconciliation_id") else None)
    apply_enrollment_facts(context, event.site_id, payload["enrollment_id"], partial(context.event_caused_by, event))


def apply_enrollment_facts(context: ServiceContext, site_id: str, enrollment_id: str, make_event: EventMaker) -> None:
    """Bring the enrollment's plan and its tasks in line with its recorded facts; a no-op without a
    plan or without facts, and when they already agree."""
    facts = context.db[ENROLLMENT_FACTS].find_one({"_id": enrollment_facts_id(site_id, enrollment_id), "site_id": site_id})
    plan = context.db[PLANS].find_one({"site_id": site_id, "enrollment_id": enrollment_id})
    if facts is None or plan is None:
        return
    now = clock.now()
    zone = context.sites.get(site_id).zone

    def follow_up_change(current):
        # Computed from the plan as it is now, so that a concurrent sweep's overdue flags survive.
        follow_up = follow_up_from_facts(current, facts, zone)
        return None if current["follow_up"] == follow_up else ({"follow_up": follow_up}, [])

    follow_up = modify(context.db[PLANS], {"_id": plan["_id"], "site_id": site_id}, follow_up_change)["follow_up"]
    appointment = ({"id": follow_up["appointment_id"], "starts_at": follow_up["starts_at"], "late": follow_up["late"]}
                   if follow_up["appointment_id"] else None)
    modify(context.db[TASKS], {"_id": plan_task_id(plan["_id"], "follow_up_appointment"), "site_id": site_id},
           lambda task: None if task.get("appointment") == appointment else ({"appointment": appointment}, []))
    if follow_up["met_on"]:
        close_plan_task(context, site_id, plan["_id"], "follow_up_appointment", {"attended_on": follow_up["met_on"]},
                        make_event, now)
    if facts.get("reconciliation"):
        close_plan_task(context, site_id, plan["_id"], "medication_handoff",
                        {"reconciliation_id": facts["reconciliation"]["reconciliation_id"]}, make_event, now)


def follow_up_from_facts(plan: dict, facts: dict, zone) -> dict:
    """The plan's ``follow_up`` as the facts say: the booked appointment unless it was cancelled,
    every attended visit, and the first one that counts (after the discharge day, which does not)."""
    booking = facts.get("booking")
    if booking and booking["appointment_id"] in (facts.get("cancelled") or {}):
        booking = None
    visits = sorted(set((facts.get("visits") or {}).values()))
    counting = [visit for visit in visits if visit > plan["discharge_date"]]  # ISO dates sort as strings
    follow_up = {**plan["follow_up"], "visits": visits, "met_on": counting[0] if counting else None,
                 "appointment_id": None, "starts_at": None, "late": False, "due_date": None}
    if booking:
        follow_up.update({
            "appointment_id": booking["appointment_id"],
            "starts_at": booking["starts_at"],
            "late": bool(booking["late"]),  # the database stand-in returns booleans as 1/0
            # The booked day is the day the follow-up is due, and the day after it overdue.
            "due_date": stored(booking["starts_at"].astimezone(zone).date()),
        })
    return follow_up


def _record_fact(context: ServiceContext, event: Event, enrollment_id: str, patient_id: str, change) -> None:
    """Apply ``change(facts) -> fields or None`` to the enrollment's facts document, made if missing."""
    facts_id = enrollment_facts_id(event.site_id, enrollment_id)
    insert_once(context.db[ENROLLMENT_FACTS], {"_id": facts_id, "site_id": event.site_id, "enrollment_id": enrollment_id,
                                               "patient_id": patient_id, "visits": {}}, [])

    def fields_and_no_events(facts):
        fields = change(facts)
        return None if fields is None else (fields, [])

    modify(context.db[ENROLLMENT_FACTS], {"_id": facts_id, "site_id": event.site_id}, fields_and_no_events)


def _is_later(new: dict, old: dict | None, id_field: str) -> bool:
    """Latest-wins by occurrence (ties broken by id), so the order of arrival does not matter; the
    same fact again counts as later, which rewrites what is already there."""
    if old is None:
        return True
    return (new["occurred_at"], new[id_field]) >= (old["occurred_at"], old[id_field])
