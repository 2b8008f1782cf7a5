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

from services.aftercare.domain import consents as consent_rules
from services.aftercare.domain import referrals as referral_rules
from services.aftercare.store import AftercareStore, referral_disclosure_id, referral_task_id
from services.aftercare.use_cases.consents import disclosure_check, record_disclosure
from services.aftercare.use_cases.follow_up import record_referral_visit
from services.aftercare.use_cases.providers import directory_entry, resolve_provider
from services.aftercare.use_cases.tasks import fulfil_plan_task
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site

log = logging.getLogger(__name__)


def add_referral(store: AftercareStore, cause: Cause, plan_id: str, level_of_care: str, provider: str | None = None,
                 provider_id: str | None = None, provider_name: str | None = None) -> dict:
    """A further referral staff add to a plan of their site, in status ``created``, to a provider of
    the directory named by id, by a typed name (matched by folded name, or added), or by a code."""
    plan = store.plans.find_one({"_id": plan_id, "site_id": cause.site_id})
    if plan is None:
        raise Invalid({"plan_id": ["No such plan at this site."]})
    if provider_id is not None:
        entry = directory_entry(store, cause.site_id, provider_id)
    else:
        entry = resolve_provider(store, cause.site_id, provider_name if provider_name is not None else provider,
                                 level_of_care, typed=provider_name is not None)
    reference = provider_name if provider_name is not None else provider
    referral, events = referral_rules.new_referral(plan, level_of_care, str(uuid.uuid4()), clock.now(),
                                                   provider=reference, provider_id=entry["_id"] if entry else None)
    return store.referrals.insert(traced(referral, cause), events, cause)


def traced(document: dict, cause: Cause) -> dict:
    """The document with its cause's correlation, which the events a sweep raises for it later carry."""
    return {**document, "correlation_id": cause.correlation_id}


def move_referral(store: AftercareStore, cause: Cause, site: Site, referral_id: str, to: str,
                  note: str | None = None, reason: str | None = None, on_behalf_of: str | None = None) -> dict:
    """Move a referral along its state machine (409 when illegal), emitting aftercare.referral.updated.

    Sending discloses the patient to the provider: for a substance-use program it needs a consent
    covering that provider (409 consent-required otherwise), and it is written to the accounting of
    disclosures. Sending completes the plan's step-down referral task, declining opens the
    re-referral task, completing counts as a follow-up visit with that provider."""
    now = clock.now()

    def move(current):
        disclosure = None
        if to == "sent":
            referral_rules.MACHINE.check(current["status"], to)  # an illegal move is refused as such first
            consent, part2 = disclosure_check(store, site, _program_of(store, current), current["patient_id"],
                                              current.get("provider_id"), "Sending the referral")
            disclosure = {"consent_id": consent["consent_id"] if consent else None, "part2": part2,
                          "on_behalf_of": on_behalf_of}
        return referral_rules.transition(current, to, now, cause.actor, note=note, reason=reason, disclosure=disclosure)

    referral = store.referrals.modify({"_id": referral_id, "site_id": cause.site_id}, move, cause)
    if referral is None:
        raise NotFound(f"No referral {referral_id} at this site.")
    log.info("referral %s moved to %s", referral_id, to)
    if referral["status"] == "sent":
        referral = record_sending(store, site, referral)
        fulfil_plan_task(store, cause, referral["plan_id"], "step_down_referral", {"referral_id": referral_id})
    if referral["status"] == "completed":
        record_referral_visit(store, cause, site, referral)
    if referral_rules.owes_re_referral(referral):
        referral = raise_referral_task(store, cause, site, referral, "re_referral", site.today())
    return referral


def record_sending(store: AftercareStore, site: Site, referral: dict) -> dict:
    """Write the sending of a referral to the accounting of disclosures (once), then mark the
    referral; the referral sweep does the same for a referral a crash left unmarked."""
    sent = referral.get("sent_disclosure") or {}
    if sent.get("recorded", True):
        return referral
    provider = store.providers.find_one({"_id": referral["provider_id"], "site_id": site.id}) \
        if referral.get("provider_id") else None
    sending = next(entry for entry in reversed(referral["history"]) if entry["to"] == "sent")
    disclosure_id = referral_disclosure_id(referral["_id"])
    consent = {"consent_id": sent["consent_id"]} if sent.get("consent_id") else None
    record_disclosure(store, consent_rules.disclosure(
        disclosure_id, site_id=site.id, patient_id=referral["patient_id"], enrollment_id=referral["enrollment_id"],
        kind="referral_sent", what=["referral"], recipient_id=referral.get("provider_id"),
        recipient_name=provider["name"] if provider else None, consent=consent, part2=bool(sent.get("part2")),
        notice_included=False, by=sending["by"], on_behalf_of=sent.get("on_behalf_of"), at=sending["at"],
        referral_id=referral["_id"]))
    return store.referrals.modify({"_id": referral["_id"], "site_id": site.id},
                                  lambda current: referral_rules.mark_disclosed(current, disclosure_id))


def _program_of(store: AftercareStore, referral: dict) -> str | None:
    """The program whose records the referral discloses (kept on referrals made since the second
    round; an older one's from its plan)."""
    if referral.get("program"):
        return referral["program"]
    plan = store.plans.find_one({"_id": referral["plan_id"], "site_id": referral["site_id"]}, {"program": 1})
    return plan["program"] if plan else None


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
