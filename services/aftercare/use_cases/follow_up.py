"""What aftercare learns about an enrollment after it ends: the follow-up appointment booked,
cancelled and attended (scheduling), the discharge medication list reconciled (medication), the
discharge summary drafted (treatment), a referral completed and a follow-up visit recorded by staff.

Events arrive in any order and more than once. Each fact is first recorded in the enrollment's
facts document (``enrollment_facts``), then applied to the plan when there is one; creating a plan
applies whatever facts were recorded before it. Recording is idempotent and latest-wins by the
instant the fact occurred, and applying derives everything from the recorded facts, so every
order of arrival ends in the same plan and tasks.
"""
import logging
import uuid
from collections.abc import Callable
from datetime import date
from functools import partial

from services.aftercare.domain import follow_up as follow_up_rules
from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain import summaries as summary_rules
from services.aftercare.domain import tasks as task_rules
from services.aftercare.store import AftercareStore, enrollment_facts_id, plan_task_id
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)

# The scheduling appointment kind that is an aftercare follow-up (not a program session).
FOLLOW_UP_APPOINTMENT_KIND = "aftercare_follow_up"


def record_admission(store: AftercareStore, cause: Cause, site: Site, admission: Event) -> None:
    """Remember the enrollment from its start, so its facts document names its patient and program."""
    payload = admission.payload
    record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                 lambda facts: {"admission": {"program": payload["program"], "start_date": payload["start_date"]}})


def record_follow_up_booking(store: AftercareStore, cause: Cause, site: Site, booked: Event) -> None:
    """scheduling.appointment.booked: the follow-up appointment ties to the plan's follow-up task."""
    payload = booked.payload
    if not _is_follow_up(payload):
        return
    booking = {"appointment_id": payload["appointment_id"], "starts_at": payload["starts_at"],
               "late": payload["late"], "occurred_at": booked.occurred_at}
    # A rebooking replaces the booking only if it happened later, whatever order they arrive in.
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: {"booking": booking}
                        if follow_up_rules.is_later(booking, facts.get("booking"), "appointment_id") else None)
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"], facts)


def record_follow_up_visit(store: AftercareStore, cause: Cause, site: Site, attended: Event) -> None:
    """scheduling.appointment.attended: an attended follow-up visit may meet the follow-up."""
    payload = attended.payload
    if not _is_follow_up(payload):
        return
    if payload["status"] != "attended":
        log.info("follow-up appointment %s: %s", payload["appointment_id"], payload["status"])
        return  # a no-show changes nothing: the overdue sweep notices the unmet follow-up
    visit_day = payload["starts_at"].astimezone(site.zone).date()
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: {"visits": {**(facts.get("visits") or {}), payload["appointment_id"]: visit_day}})
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"], facts)


def record_follow_up_cancellation(store: AftercareStore, cause: Cause, site: Site, cancelled: Event) -> None:
    """scheduling.appointment.cancelled: a cancelled follow-up no longer answers for the follow-up task.

    Kept as a set of cancelled appointments rather than by clearing the booking, so that a
    cancellation arriving before its booking still wins."""
    payload = cancelled.payload
    if not _is_follow_up(payload):
        return
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: {"cancelled": {**(facts.get("cancelled") or {}),
                                                     payload["appointment_id"]: cancelled.occurred_at}})
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"], facts)


def record_reconciliation(store: AftercareStore, cause: Cause, site: Site, reconciled: Event) -> None:
    """medication.reconciliation.completed: the medication handoff task closes with the reconciliation."""
    payload = reconciled.payload
    reconciliation = {"reconciliation_id": payload["reconciliation_id"], "occurred_at": reconciled.occurred_at}
    # A later reconciliation of the same enrollment replaces an earlier one, whatever order they arrive in.
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: {"reconciliation": reconciliation} if follow_up_rules.is_later(
                            reconciliation, facts.get("reconciliation"), "reconciliation_id") else None)
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"], facts)


def record_discharge_summary(store: AftercareStore, cause: Cause, site: Site, drafted: Event) -> None:
    """treatment.discharge_summary.drafted: the plan refers to the summary, and the objectives it
    left unmet carry over as aftercare goals (by id; their text is read from treatment when shown)."""
    payload = drafted.payload
    summary = {key: payload[key] for key in ("summary_id", "plan_id", "objectives_met", "objectives_not_met",
                                             "unmet_objective_ids")}
    summary["occurred_at"] = drafted.occurred_at
    facts = record_fact(store, site, payload["enrollment_id"], payload["patient_id"],
                        lambda facts: {"discharge_summary": summary} if follow_up_rules.is_later(
                            summary, facts.get("discharge_summary"), "summary_id") else None)
    apply_enrollment_facts(store, cause, site, payload["enrollment_id"], facts)


def record_referral_visit(store: AftercareStore, cause: Cause, site: Site, referral: dict) -> None:
    """A referral the receiving provider reported completed: a follow-up visit on that day."""
    day = referral_rules.completion_day(referral, site.zone)
    if day is None:
        return
    facts = record_fact(store, site, referral["enrollment_id"], referral["patient_id"],
                        lambda facts: None if (facts.get("referral_visits") or {}).get(referral["_id"]) == day
                        else {"referral_visits": {**(facts.get("referral_visits") or {}), referral["_id"]: day}})
    apply_enrollment_facts(store, cause, site, referral["enrollment_id"], facts)


def record_staff_visit(store: AftercareStore, cause: Cause, site: Site, plan_id: str, visited_on: date, kind: str,
                       provider_id: str | None = None) -> dict:
    """A follow-up visit staff record on a plan (any provider, ``kind`` in person, telehealth...):
    it counts for iop_follow_up like an attended appointment. Returns the plan with its parts."""
    plan = store.plans.find_one({"_id": plan_id, "site_id": cause.site_id})
    if plan is None:
        raise NotFound(f"No plan {plan_id} at this site.")
    if provider_id is not None and store.providers.find_one({"_id": provider_id, "site_id": site.id}) is None:
        raise Invalid({"provider_id": ["No such provider in this site's directory."]})
    visit_id = str(uuid.uuid4())
    visit = follow_up_rules.recorded_visit(plan, visited_on, kind, provider_id, site.today(), cause.actor, clock.now())
    facts = record_fact(store, site, plan["enrollment_id"], plan["patient_id"],
                        lambda facts: {"recorded_visits": {**(facts.get("recorded_visits") or {}), visit_id: visit}})
    apply_enrollment_facts(store, cause, site, plan["enrollment_id"], facts)
    return store.plans.find_one({"_id": plan_id, "site_id": cause.site_id})


def apply_enrollment_facts(store: AftercareStore, cause: Cause, site: Site, enrollment_id: str,
                           facts: dict | None = None) -> None:
    """Bring the enrollment's plan and its tasks in line with its recorded facts (``facts`` when the
    caller has just written them, else read); a no-op without a plan or without facts, and when they
    already agree."""
    if facts is None:
        facts = store.enrollment_facts.find_one({"_id": enrollment_facts_id(site.id, enrollment_id),
                                                 "site_id": site.id})
    if facts is None:
        return

    def plan_change(current):
        # Computed from the plan as it is now, so that a concurrent sweep's overdue flags survive.
        follow_up = follow_up_rules.follow_up_from_facts(current, facts, site.zone)
        fields = {"follow_up": follow_up,
                  # Kept on the plan with follow_up_days (the report now reads its own days instead).
                  "follow_up_days": follow_up_rules.days_to_first_visit(current["discharge_date"], follow_up),
                  "follow_up_exclusion": follow_up_rules.exclusion_of(current),
                  **summary_rules.summary_on_plan(facts.get("discharge_summary"))}
        changed = {key: value for key, value in fields.items() if current.get(key) != value}
        return (changed, []) if changed else None

    plan = store.plans.modify({"site_id": site.id, "enrollment_id": enrollment_id}, plan_change)
    if plan is None:
        return
    now = clock.now()
    # The plan's tasks that facts settle, read in one round trip (a task not written yet, its plan's
    # creation interrupted, is skipped: the resumed creation applies the facts).
    changes = {plan_task_id(plan["_id"], "follow_up_appointment"): partial(
        _follow_up_task_change, follow_up_rules.booked_appointment(plan["follow_up"]), plan["follow_up"]["met_on"], now)}
    if facts.get("reconciliation"):
        changes[plan_task_id(plan["_id"], "medication_handoff")] = partial(
            task_rules.fulfil, attachment={"reconciliation_id": facts["reconciliation"]["reconciliation_id"]}, now=now)
    store.tasks.modify_each({"site_id": site.id}, changes, cause)


def _follow_up_task_change(appointment: dict | None, met_on: date | None, now, task: dict):
    """The follow-up task shows the appointment booked, and the first visit that counts fulfils it."""
    tied = {} if task.get("appointment") == appointment else {"appointment": appointment}
    fulfilled = task_rules.fulfil({**task, **tied}, {"attended_on": met_on}, now) if met_on else None
    if fulfilled is None:
        return (tied, []) if tied else None
    fields, events = fulfilled
    return {**tied, **fields}, events


def _is_follow_up(payload: dict) -> bool:
    # Program sessions and appointments outside an enrollment are not aftercare's.
    return payload["kind"] == FOLLOW_UP_APPOINTMENT_KIND and bool(payload["enrollment_id"])


def record_fact(store: AftercareStore, site: Site, enrollment_id: str, patient_id: str,
                change: Callable[[dict], dict | None]) -> dict:
    """Apply ``change(facts) -> fields or None`` to the enrollment's facts document, made if missing."""
    facts_id = enrollment_facts_id(site.id, enrollment_id)

    def fields_and_no_events(facts):
        fields = change(facts)
        return None if fields is None else (fields, [])

    return store.enrollment_facts.modify_or_insert(
        {"_id": facts_id, "site_id": site.id},
        {"_id": facts_id, "site_id": site.id, "enrollment_id": enrollment_id, "patient_id": patient_id, "visits": {}},
        fields_and_no_events)
