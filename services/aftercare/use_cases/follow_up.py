"""What other services tell aftercare about an enrollment after it ends: the follow-up appointment
booked, cancelled and attended (scheduling), the discharge medication list reconciled (medication).

Events arrive in any order and more than once. Each fact is first recorded in the enrollment's
facts document (``enrollment_facts``), then applied to the plan when there is one; creating a plan
applies whatever facts were recorded before it. Recording is idempotent and latest-wins by the
instant the fact occurred, and applying derives everything from the recorded facts, so every
order of arrival ends in the same plan and tasks.
"""
import logging
from collections.abc import Callable

from services.aftercare.domain import follow_up as follow_up_rules
from services.aftercare.store import AftercareStore, enrollment_facts_id, plan_task_id
from services.aftercare.use_cases.tasks import fulfil_plan_task
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)

# The scheduling appointment kind that is an aftercare follow-up (not a program session).
FOLLOW_UP_APPOINTMENT_KIND = "aftercare_follow_up"


def record_admission(store: AftercareStore, cause: Cause, site: Site, admission: Event) -> None:
    """Remember the enrollment from its start, so its facts document names its patient and program."""
    payload = admission.payload
    _record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"admission": {"program": payload["program"], "start_date": payload["start_date"]}})


def record_follow_up_booking(store: AftercareStore, cause: Cause, site: Site, booked: Event) -> None:
    """scheduling.appointment.booked: the follow-up appointment ties to the plan's follow-up task."""
    payload = booked.payload
    if not _is_follow_up(payload):
        return
    booking = {"appointment_id": payload["appointment_id"], "starts_at": payload["starts_at"],
               "late": payload["late"], "occurred_at": booked.occurred_at}
    # A rebooking replaces the booking only if it happened later, whatever order they arrive in.
    _record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"booking": booking}
                 if follow_up_rules.is_later(booking, facts.get("booking"), "appointment_id") else None)
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"])


def record_follow_up_visit(store: AftercareStore, cause: Cause, site: Site, attended: Event) -> None:
    """scheduling.appointment.attended: an attended follow-up visit may meet the follow-up."""
    payload = attended.payload
    if not _is_follow_up(payload):
        return
    if payload["status"] != "attended":
        log.info("follow-up appointment %s: %s", payload["appointment_id"], payload["status"])
        return  # a no-show changes nothing: the overdue sweep notices the unmet follow-up
    visit_day = payload["starts_at"].astimezone(site.zone).date()
    _record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"visits": {**(facts.get("visits") or {}), payload["appointment_id"]: visit_day}})
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"])


def record_follow_up_cancellation(store: AftercareStore, cause: Cause, site: Site, cancelled: Event) -> None:
    """scheduling.appointment.cancelled: a cancelled follow-up no longer answers for the follow-up task.

    Kept as a set of cancelled appointments rather than by clearing the booking, so that a
    cancellation arriving before its booking still wins."""
    payload = cancelled.payload
    if not _is_follow_up(payload):
        return
    _record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"cancelled": {**(facts.get("cancelled") or {}),
                                              payload["appointment_id"]: cancelled.occurred_at}})
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"])


def record_reconciliation(store: AftercareStore, cause: Cause, site: Site, reconciled: Event) -> None:
    """medication.reconciliation.completed: the medication handoff task closes with the reconciliation."""
    payload = reconciled.payload
    reconciliation = {"reconciliation_id": payload["reconciliation_id"], "occurred_at": reconciled.occurred_at}
    # A later reconciliation of the same enrollment replaces an earlier one, whatever order they arrive in.
    _record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"reconciliation": reconciliation} if follow_up_rules.is_later(
                     reconciliation, facts.get("reconciliation"), "reconciliation_id") else None)
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"])


def apply_enrollment_facts(store: AftercareStore, cause: Cause, site: Site, enrollment_id: str) -> None:
    """Bring the enrollment's plan and its tasks in line with its recorded facts; a no-op without a
    plan or without facts, and when they already agree."""
    facts = store.enrollment_facts.find_one({"_id": enrollment_facts_id(site.id, enrollment_id), "site_id": site.id})
    if facts is None:
        return

    def follow_up_change(current):
        # Computed from the plan as it is now, so that a concurrent sweep's overdue flags survive.
        follow_up = follow_up_rules.follow_up_from_facts(current, facts, site.zone)
        return None if current["follow_up"] == follow_up else ({"follow_up": follow_up}, [])

    plan = store.plans.modify({"site_id": site.id, "enrollment_id": enrollment_id}, follow_up_change)
    if plan is None:
        return
    follow_up = plan["follow_up"]
    appointment = follow_up_rules.booked_appointment(follow_up)
    store.tasks.modify({"_id": plan_task_id(plan["_id"], "follow_up_appointment"), "site_id": site.id},
                       lambda task: None if task.get("appointment") == appointment
                       else ({"appointment": appointment}, []))
    if follow_up["met_on"]:
        fulfil_plan_task(store, cause, plan["_id"], "follow_up_appointment", {"attended_on": follow_up["met_on"]})
    if facts.get("reconciliation"):
        fulfil_plan_task(store, cause, plan["_id"], "medication_handoff",
                         {"reconciliation_id": facts["reconciliation"]["reconciliation_id"]})


def _is_follow_up(payload: dict) -> bool:
    # Program sessions and appointments outside an enrollment are not aftercare's.
    return payload["kind"] == FOLLOW_UP_APPOINTMENT_KIND and bool(payload["enrollment_id"])


def _record_fact(store: AftercareStore, site: Site, enrollment_id: str, patient_id: str,
                 change: Callable[[dict], dict | None]) -> None:
    """Apply ``change(facts) -> fields or None`` to the enrollment's facts document, made if missing."""
    facts_id = enrollment_facts_id(site.id, enrollment_id)
    store.enrollment_facts.insert_once({"_id": facts_id, "site_id": site.id, "enrollment_id": enrollment_id,
                                        "patient_id": patient_id, "visits": {}})

    def fields_and_no_events(facts):
        fields = change(facts)
        return None if fields is None else (fields, [])

    store.enrollment_facts.modify({"_id": facts_id, "site_id": site.id}, fields_and_no_events)
