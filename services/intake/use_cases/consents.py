"""Part 2 consents: recording the consent a patient signed, revoking it, and reading it with its status.

A consent's status is answered as of the site's today: ``revoked`` as recorded, ``expired`` once
past its last day (its ``expires_on``, or for ``end_of_treatment`` the day the patient's treatment
at the site ended, read from the patient's enrollments), else ``active``
(services/intake/domain/consents.py). Each grant and revocation is one write of the consent's own
document with its event, which aftercare uses to allow or refuse its next disclosure.
"""
import uuid

from services.intake.domain import consents as rules
from services.intake.store import IntakeStore
from services.intake.use_cases.patients import exists
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.sites import Site


def grant(store: IntakeStore, cause: Cause, site: Site, patient_id: str, fields: dict) -> dict:
    """Record a consent of a patient of the site (fields of ``ConsentCreate``; emits
    intake.consent.granted). ``NotFound`` for no such patient at the site; ``Invalid`` for
    terms that break a §2.31 rule."""
    if not exists(store, site.id, patient_id):
        raise NotFound(f"No patient {patient_id} at this site.")
    consent_id, now = str(uuid.uuid4()), clock.now()
    terms, event = rules.grant(consent_id, patient_id, fields, site.today())
    document = {"_id": consent_id, "site_id": site.id, "patient_id": patient_id, **terms,
                "recorded_at": now, "recorded_by": cause.actor}
    consent = store.consents.insert(document, [event], cause)
    return _answer(consent, site, _treatment_ended_on(store, site.id, consent))


def revoke(store: IntakeStore, cause: Cause, site: Site, consent_id: str, fields: dict) -> dict:
    """Record the patient's written revocation (``revoked_on`` defaults to the site's today; emits
    intake.consent.revoked). ``NotFound``; ``Conflict`` for a consent already revoked or expired;
    ``Invalid`` for a ``revoked_on`` before the signature or after today."""
    today, now = site.today(), clock.now()

    def change(consent: dict):
        ended_on = _treatment_ended_on(store, site.id, consent)
        changes, event = rules.revoke(consent, fields.get("revoked_on", today), today, ended_on)
        changes["revocation"] = {**changes["revocation"], "recorded_at": now, "recorded_by": cause.actor}
        return changes, [event]

    consent = store.consents.modify({"_id": consent_id, "site_id": site.id}, change, cause)
    if consent is None:
        raise NotFound(f"No consent {consent_id} at this site.")
    return _answer(consent, site, _treatment_ended_on(store, site.id, consent))


def get(store: IntakeStore, site: Site, consent_id: str) -> dict:
    """One consent of the site with its status as of today. ``NotFound`` for another site's."""
    consent = store.consents.find_one({"_id": consent_id, "site_id": site.id})
    if consent is None:
        raise NotFound(f"No consent {consent_id} at this site.")
    return _answer(consent, site, _treatment_ended_on(store, site.id, consent))


def of_patient(store: IntakeStore, site: Site, patient_id: str, status: str | None = None) -> list[dict]:
    """The patient's consents, most recently signed first, with their status as of today, only
    those of ``status`` when given. ``NotFound`` for no such patient at the site."""
    if not exists(store, site.id, patient_id):
        raise NotFound(f"No patient {patient_id} at this site.")
    consents = sorted(store.consents.find({"site_id": site.id, "patient_id": patient_id}),
                      key=lambda consent: (consent["signature"]["signed_on"], consent["recorded_at"]), reverse=True)
    episodes = _episodes(store, site.id, patient_id)
    answers = [_answer(consent, site, rules.treatment_end(episodes, consent["signature"]["signed_on"]))
               for consent in consents]
    return [answer for answer in answers if status is None or answer["status"] == status]


def _answer(consent: dict, site: Site, treatment_ended_on) -> dict:
    today = site.today()
    return {**consent, "status": rules.status(consent, today, treatment_ended_on),
            "last_day": rules.last_day(consent, treatment_ended_on)}


def _treatment_ended_on(store: IntakeStore, site_id: str, consent: dict):
    """For an ``end_of_treatment`` consent, the day the treatment it was signed in ended (None
    while it goes on); the enrollments are read only for such a consent."""
    if consent.get("expiry_event") != rules.END_OF_TREATMENT:
        return None
    return rules.treatment_end(_episodes(store, site_id, consent["patient_id"]), consent["signature"]["signed_on"])


def _episodes(store: IntakeStore, site_id: str, patient_id: str) -> list[tuple]:
    """The patient's enrollments as (start date, discharge date or None)."""
    enrollments = store.enrollments.find({"site_id": site_id, "patient_id": patient_id},
                                         projection={"start_date": 1, "discharge": 1})
    return [(enrollment["start_date"], (enrollment.get("discharge") or {}).get("date")) for enrollment in enrollments]
