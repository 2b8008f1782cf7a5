"""Inbound referrals: received, screened, accepted (the person becomes a patient), admitted
(the patient is enrolled), or declined with a reason.

A move that makes something else (a patient on acceptance, an enrollment on admission) touches
two documents, and there are no multi-document transactions to lean on. The other document is
made first and in a way a retry finds again: a patient by MRN at the site, an enrollment under
an id derived from the referral's. The referral's move and its event are then one atomic write.
A crash in between leaves the referral where it was, and sending the same move again completes
it without a second patient or enrollment. For the same reason the making may safely run again
when a concurrent update makes the store retry the move.
"""
import uuid
from datetime import datetime

from services.intake.domain import referrals as rules
from services.intake.store import IntakeStore, referral_enrollment_id
from services.intake.use_cases.enrollments import admit_patient
from services.intake.use_cases.patients import find_or_register, require_patient
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site


def receive(store: IntakeStore, cause: Cause, fields: dict) -> dict:
    """Record a referral in status ``received`` (fields of ``ReferralCreate``; emits
    intake.referral.received). ``Invalid`` when ``patient_id`` names no patient of the site."""
    if "patient_id" in fields:
        require_patient(store, cause.site_id, fields["patient_id"])
    now, referral_id = clock.now(), str(uuid.uuid4())
    document = {
        "_id": referral_id,
        "site_id": cause.site_id,
        "source": fields["source"],
        "reason": fields["reason"],
        "urgency": fields["urgency"],
        "contact_consent": fields["contact_consent"],
        "patient_id": fields.get("patient_id"),
        "patient": fields.get("patient"),
        "status": rules.RECEIVED,
        "enrollment_id": None,
        "status_history": [_status_change(cause, None, rules.RECEIVED, None, now)],
        "received_at": now,
        "updated_at": None,
    }
    event = rules.receive(referral_id, document["source"], document["urgency"], document["patient_id"])
    return store.referrals.insert(document, [event], cause)


def move(store: IntakeStore, cause: Cause, site: Site, referral_id: str, fields: dict) -> dict:
    """Move a referral (fields of ``ReferralTransition``; emits intake.referral.updated).

    Accepting registers the patient, or links the patient already registered under the MRN at
    the site (same birth date required). Admitting creates the enrollment as any admission does
    (emits intake.enrollment.admitted). ``NotFound``; ``Conflict`` for a move the state machine
    refuses or an MRN of someone born on another day; ``Invalid`` for a decline without a reason,
    a missing or contradictory MRN, or a bad admission."""
    to, reason, now = fields["to"], fields.get("reason"), clock.now()

    def change(referral: dict):
        # Checked before anything is made so that an illegal move registers or enrolls nobody.
        rules.transition(referral["status"], to, reason)
        made = _make_what_the_move_needs(store, cause, site, referral, fields)
        patient_id = made.get("patient_id", referral["patient_id"])
        enrollment_id = made.get("enrollment_id", referral["enrollment_id"])
        event = rules.moved(referral, to, patient_id, enrollment_id)
        return {
            **made,
            "status": to,
            "status_history": [*referral["status_history"],
                               _status_change(cause, referral["status"], to, reason, now)],
            "updated_at": now,
        }, [event]

    referral = store.referrals.modify({"_id": referral_id, "site_id": cause.site_id}, change, cause)
    if referral is None:
        raise NotFound(f"No referral {referral_id} at this site.")
    return referral


def _make_what_the_move_needs(store: IntakeStore, cause: Cause, site: Site, referral: dict, fields: dict) -> dict:
    """The patient an acceptance makes or finds, the enrollment an admission makes: their ids."""
    if fields["to"] == rules.ACCEPTED:
        return {"patient_id": _patient_for(store, cause, referral, fields.get("mrn"))}
    if fields["to"] == rules.ADMITTED:
        try:
            enrollment = admit_patient(store, cause, site, referral["patient_id"], fields["enrollment"],
                                       enrollment_id=referral_enrollment_id(referral["_id"]),
                                       referral_id=referral["_id"])
        except Invalid as invalid:  # named where it was sent: the request's `enrollment`
            raise Invalid({f"enrollment.{name}": messages for name, messages in invalid.errors.items()}) from None
        return {"enrollment_id": enrollment["_id"]}
    return {}


def _patient_for(store: IntakeStore, cause: Cause, referral: dict, offered_mrn: str | None) -> str:
    """The id of the patient an accepted referral is about, registering them if need be."""
    person = referral["patient"]
    mrn = rules.mrn_for_acceptance(referral["patient_id"], person and person.get("mrn"), offered_mrn)
    if mrn is None:
        return referral["patient_id"]
    patient = find_or_register(store, cause, {**person, "mrn": mrn})
    rules.check_same_person(mrn, patient["birth_date"], person["birth_date"])
    return patient["_id"]


def _status_change(cause: Cause, old: str | None, new: str, reason: str | None, now: datetime) -> dict:
    return {"at": now, "by": cause.actor, "from": old, "to": new, "reason": reason}
