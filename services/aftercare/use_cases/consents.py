"""Part 2 consents as intake reports them, and the accounting of disclosures.

intake.consent.granted and intake.consent.revoked each make the consent's record if it is missing,
then apply themselves to it: in any order, any number of times, a revoked consent stays revoked.
A grant also settles the obtain_consent tasks it answers (a plan made before the consent arrived).
"""
import logging
from datetime import date

from services.aftercare.domain import consents as consent_rules
from services.aftercare.domain import tasks as task_rules
from services.aftercare.store import AftercareStore, consent_record_id
from shared import clock
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)


def record_consent_granted(store: AftercareStore, cause: Cause, site: Site, grant: Event) -> None:
    """intake.consent.granted: the consent now covers what it names; open obtain_consent tasks it
    answers are completed."""
    _record(store, site, grant, consent_rules.granted)
    settle_consent_tasks(store, cause, site, grant.payload["patient_id"])


def record_consent_revoked(store: AftercareStore, cause: Cause, site: Site, revocation: Event) -> None:
    """intake.consent.revoked: from now on the consent covers nothing (a next disclosure is refused)."""
    _record(store, site, revocation, consent_rules.revoked)


def consents_of(store: AftercareStore, site_id: str, patient_id: str) -> list[dict]:
    """Every consent of the patient aftercare heard of, whatever its status."""
    return store.consents.find({"site_id": site_id, "patient_id": patient_id}, sort=[("consent_id", 1)])


def episodes_of(store: AftercareStore, site_id: str, patient_id: str) -> list[tuple[date, date | None]]:
    """The patient's enrollments as aftercare heard of them: (start, discharge or None). An
    enrollment whose admission was not heard of starts, as far as aftercare knows, on its discharge."""
    plans = {plan["enrollment_id"]: plan["discharge_date"] for plan in
             store.plans.find({"site_id": site_id, "patient_id": patient_id},
                              projection={"enrollment_id": 1, "discharge_date": 1})}
    starts = {facts["enrollment_id"]: facts["admission"]["start_date"] for facts in
              store.enrollment_facts.find({"site_id": site_id, "patient_id": patient_id}) if facts.get("admission")}
    return [(starts.get(enrollment_id, plans.get(enrollment_id)), plans.get(enrollment_id))
            for enrollment_id in {*plans, *starts}]


def consent_status(store: AftercareStore, site: Site, patient_id: str) -> list[dict]:
    """The patient's consents with their status as of the site's today (for the plan view)."""
    today, episodes = site.today(), episodes_of(store, site.id, patient_id)
    return [{**consent_rules.consent_explanation(consent), "status": consent_rules.status(consent, today, episodes),
             "revoked_on": consent.get("revoked_on")} for consent in consents_of(store, site.id, patient_id)]


def covering_consent(store: AftercareStore, site: Site, patient_id: str, recipient_id: str | None) -> dict | None:
    """The patient's consent that covers a treatment disclosure to ``recipient_id`` today, if any."""
    return consent_rules.covering_consent(consents_of(store, site.id, patient_id), recipient_id, site.today(),
                                          episodes_of(store, site.id, patient_id))


def settle_consent_tasks(store: AftercareStore, cause: Cause, site: Site, patient_id: str) -> None:
    """Complete each active obtain_consent task of the patient that a consent now covers."""
    now = clock.now()
    for task in store.tasks.find({"site_id": site.id, "patient_id": patient_id, "kind": "obtain_consent"}):
        if task["status"] not in task_rules.ACTIVE_STATUSES:
            continue
        consent = covering_consent(store, site, patient_id, (task.get("source") or {}).get("provider_id"))
        if consent is not None:
            store.tasks.modify({"_id": task["_id"], "site_id": site.id},
                               lambda current, consent_id=consent["consent_id"]: task_rules.fulfil(
                                   current, {"consent_id": consent_id}, now), cause)


def disclosure_check(store: AftercareStore, site: Site, program: str | None, patient_id: str,
                     recipient_id: str | None, what: str, today: date | None = None) -> tuple[dict | None, bool]:
    """``(consent, part2)`` for a disclosure of the patient's records to ``recipient_id``: the
    consent it relies on and whether they are Part 2 records; ConsentRequired (409) when they need
    a consent and none covers it."""
    part2 = consent_rules.needs_consent(site.programs, program)
    if not part2:
        return None, False
    consent = consent_rules.require_consent(site.programs, program, consents_of(store, site.id, patient_id),
                                            recipient_id, today or site.today(), what,
                                            episodes_of(store, site.id, patient_id))
    return consent, True


def record_disclosure(store: AftercareStore, disclosure: dict) -> bool:
    """Write one entry of the accounting (once: its id may derive from what was disclosed)."""
    written = store.disclosures.insert_once(disclosure)
    if written:
        log.info("disclosure %s (%s) recorded", disclosure["_id"], disclosure["kind"])
    return written


def _record(store: AftercareStore, site: Site, event: Event, apply) -> None:
    payload = event.payload
    record_id = consent_record_id(site.id, payload["consent_id"])
    store.consents.insert_once({"_id": record_id, "site_id": site.id, **consent_rules.consent_fields(payload),
                                "granted_at": None, "granted_on": None, "revoked_on": None, "revoked_at": None})
    day = event.occurred_at.astimezone(site.zone).date()
    store.consents.modify({"_id": record_id, "site_id": site.id},
                          lambda consent: apply(consent, payload, event.occurred_at, day))
