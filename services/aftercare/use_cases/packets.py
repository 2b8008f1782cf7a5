"""The referral packet, composed at request time from aftercare's own records and the other
services' APIs (read with the caller's key), and written to the accounting of disclosures.

Producing the packet discloses the patient's records to the referral's provider: for a
substance-use program it needs a consent covering that provider (409 consent-required), and it
carries the §2.32 notice and the consent's scope. Each production is one entry of the accounting,
listing the parts it actually held. ``view=medication_list`` produces only the patient, the program
and the medication list (with what was stopped during the program): the medication list printed
for another provider.
"""
import uuid
from datetime import date

from services.aftercare.domain import consents as consent_rules
from services.aftercare.domain import packet as packet_rules
from services.aftercare.store import AftercareStore, enrollment_facts_id
from services.aftercare.use_cases.consents import disclosure_check, record_disclosure
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.other_services import Gateway
from shared.sites import Site


def referral_packet(store: AftercareStore, cause: Cause, site: Site, referral_id: str, gateway: Gateway,
                    view: str = "full", on_behalf_of: str | None = None) -> dict:
    """The packet of a referral of the caller's site (404 otherwise), as JSON-ready data."""
    referral = store.referrals.find_one({"_id": referral_id, "site_id": cause.site_id})
    if referral is None:
        raise NotFound(f"No referral {referral_id} at this site.")
    plan = store.plans.find_one({"_id": referral["plan_id"], "site_id": cause.site_id})
    if plan is None:
        raise NotFound(f"No plan for referral {referral_id} at this site.")
    provider = store.providers.find_one({"_id": referral["provider_id"], "site_id": site.id}) \
        if referral.get("provider_id") else None
    what = "Producing the medication list" if view == "medication_list" else "Producing the referral packet"
    consent, part2 = disclosure_check(store, site, plan["program"], plan["patient_id"], referral.get("provider_id"),
                                      what)
    parts = _parts(store, site, plan, gateway, view, packet_rules.withheld_parts(consent, view))
    now, disclosure_id = clock.now(), str(uuid.uuid4())
    answer = packet_rules.packet(referral=referral, provider=provider, site=site, view=view, parts=parts, part2=part2,
                                 consent=consent, generated_at=now, disclosure_id=disclosure_id)
    record_disclosure(store, consent_rules.disclosure(
        disclosure_id, site_id=site.id, patient_id=plan["patient_id"], enrollment_id=plan["enrollment_id"],
        kind="medication_list" if view == "medication_list" else "packet", what=packet_rules.disclosed_parts(answer),
        recipient_id=referral.get("provider_id"), recipient_name=provider["name"] if provider else None,
        consent=consent, part2=part2, notice_included=part2, by=cause.actor, on_behalf_of=on_behalf_of, at=now,
        referral_id=referral["_id"]))
    return answer


def _parts(store: AftercareStore, site: Site, plan: dict, gateway: Gateway, view: str, withheld: dict) -> dict:
    """Every part of the packet: aftercare's own, and the other services' read all at once. A part
    the consent withholds is not read at all."""
    read = gateway.read_all(_reads(plan, gateway, view, withheld))
    facts = store.enrollment_facts.find_one({"_id": enrollment_facts_id(site.id, plan["enrollment_id"]),
                                             "site_id": site.id})
    program_part = packet_rules.program_part(plan, site.programs.get(plan["program"]), read["enrollment"],
                                             (facts or {}).get("admission"))
    start = program_part["data"]["start_date"]
    tasks = store.tasks.find({"site_id": site.id, "plan_id": plan["_id"]}, sort=[("due_date", 1), ("kind", 1)])
    makers = {
        "patient": lambda: packet_rules.patient_part(read["patient"]),
        "program": lambda: program_part,
        "medications": lambda: packet_rules.medications_part(read["reconciliation"]),
        "stopped_medications": lambda: packet_rules.stopped_medications_part(
            read["stopped"], date.fromisoformat(start) if start else None, plan["discharge_date"], site.zone),
        "diagnoses": lambda: packet_rules.diagnoses_part(read["enrollment"]),
        "aftercare_plan": lambda: packet_rules.plan_part(plan, tasks),
        "follow_up_appointment": lambda: packet_rules.follow_up_appointment_part(read["appointments"],
                                                                               plan["enrollment_id"]),
        "relapse_prevention_plan": lambda: packet_rules.relapse_prevention_part(tasks),
        "safety_plan": lambda: packet_rules.latest_safety_plan_part(read["safety_plans"]),
        "goals": lambda: packet_rules.goals_part(plan, read.get("summary")),
    }
    return {name: withheld[name] if name in withheld else makers[name]()
            for name in packet_rules.parts_of(view)}


def _reads(plan: dict, gateway: Gateway, view: str, withheld: dict) -> dict:
    """The other services' answers the packet's held parts need, by name."""
    patient_id, enrollment_id = plan["patient_id"], plan["enrollment_id"]
    summary_id = (plan.get("discharge_summary") or {}).get("summary_id")
    needed = {
        # The enrollment gives the program's start date (always shown) and the diagnoses.
        "patient": ("patient", lambda: gateway.read(f"/intake/v1/patients/{patient_id}")),
        "enrollment": ("program", lambda: gateway.read(f"/intake/v1/enrollments/{enrollment_id}")),
        "reconciliation": ("medications", lambda: gateway.read("/medication/v1/reconciliations",
                                                               enrollment_id=enrollment_id)),
        "stopped": ("stopped_medications", lambda: gateway.read("/medication/v1/orders", patient_id=patient_id,
                                                                status="discontinued", page_size=100)),
        "safety_plans": ("safety_plan", lambda: gateway.read(f"/intake/v1/patients/{patient_id}/safety-plans")),
        "appointments": ("follow_up_appointment", lambda: gateway.read(
            "/scheduling/v1/appointments", patient_id=patient_id, kind="aftercare_follow_up")),
        "summary": ("goals", lambda: gateway.read(f"/treatment/v1/discharge-summaries/{summary_id}")),
    }
    parts = packet_rules.parts_of(view)
    return {name: read for name, (part, read) in needed.items()
            if part in parts and part not in withheld and (name != "summary" or summary_id)}
