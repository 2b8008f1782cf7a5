"""Inbound referrals: the way into an IOP, from a first call to an admission.

    received -> screening -> accepted -> admitted
        \\           \\           \\
         `-----------`-----------`--> declined   (a reason is required)

Decisions:
- No step is skipped: even an emergent referral is screened (the screening may take minutes),
  so every admission has a recorded screening. Allowing ``received -> accepted`` would be one
  entry in ``TRANSITIONS``.
- ``accepted -> declined`` is allowed: a clinically accepted patient can still not be admitted
  (they choose another program, coverage is refused, they cannot be reached). The reason says
  which.
- ``admitted`` and ``declined`` are final. A declined person who comes back is a new referral,
  so the history of the first one stays as it was.
- The reason is required for ``declined`` only; for other moves it is accepted and ignored here.
- Acceptance makes the referred person a patient: a referral of an existing patient keeps its
  ``patient_id``; otherwise the patient is found by MRN at the site, or registered. The MRN
  comes from the referral, or from the acceptance when the referrer did not know it (a
  self-referral); two different MRNs are refused rather than one silently winning.
- Linking to a patient found by MRN requires the same birth date: a mistyped MRN must not
  attach a referral, and later an enrollment, to somebody else's record.
"""
from datetime import date
from typing import Any

from shared.errors import Conflict, Invalid, StateMachine
from shared.events.intake import referral_received, referral_updated
from shared.events.registry import DomainEvent

RECEIVED = "received"
SCREENING = "screening"
ACCEPTED = "accepted"
ADMITTED = "admitted"
DECLINED = "declined"
STATUSES: tuple[str, ...] = (RECEIVED, SCREENING, ACCEPTED, ADMITTED, DECLINED)

SOURCES: tuple[str, ...] = ("self", "primary_care", "hospital", "outpatient_provider", "court", "other")
URGENCIES: tuple[str, ...] = ("routine", "urgent", "emergent")

TRANSITIONS: dict[str, set[str]] = {
    RECEIVED: {SCREENING, DECLINED},
    SCREENING: {ACCEPTED, DECLINED},
    ACCEPTED: {ADMITTED, DECLINED},
    ADMITTED: set(),
    DECLINED: set(),
}
REFERRAL_MACHINE = StateMachine("referral", TRANSITIONS)


def receive(referral_id: str, source: str, urgency: str, patient_id: str | None) -> DomainEvent:
    """The event a new referral causes: codes and ids only, never the reason or the person."""
    return referral_received(referral_id=referral_id, source=source, urgency=urgency, patient_id=patient_id)


def moved(referral: dict, to: str, patient_id: str | None, enrollment_id: str | None) -> DomainEvent:
    """The event a move of ``referral`` to ``to`` causes, once :func:`transition` allowed it;
    ``patient_id`` and ``enrollment_id`` are the referral's after the move. The reason stays in
    intake."""
    return referral_updated(referral_id=referral["_id"], status=to, previous_status=referral["status"],
                            urgency=referral["urgency"], patient_id=patient_id, enrollment_id=enrollment_id)


def transition(referral_status: str, to: Any, reason: str | None = None) -> str:
    """Check a move and return the new status.

    Raises ``Invalid`` ({"to": ...}) for a status that does not exist, ``IllegalTransition``
    (409) for a move the table refuses, then ``Invalid`` ({"reason": ...}) for a decline
    without a non-blank reason. The move is checked before the reason because a decline of an
    admitted referral is wrong whatever reason comes with it.
    """
    if to not in STATUSES:
        raise Invalid({"to": [f"must be one of: {', '.join(STATUSES)}"]})
    REFERRAL_MACHINE.check(referral_status, to)
    if to == DECLINED and (not isinstance(reason, str) or not reason.strip()):
        raise Invalid({"reason": ["a reason is required to decline a referral"]})
    return to


def mrn_for_acceptance(linked_patient_id: str | None, referral_mrn: str | None, offered_mrn: str | None) -> str | None:
    """The MRN to find or register the patient by when a referral is accepted.

    None when the referral already names a patient. ``Invalid`` ({"mrn": ...}) when an MRN is
    offered for a referral linked to a patient, when the offered MRN differs from the
    referral's, or when neither gives one.
    """
    if linked_patient_id is not None:
        if offered_mrn is not None:
            raise Invalid({"mrn": ["the referral already names a patient; send no MRN"]})
        return None
    if referral_mrn is not None and offered_mrn is not None and offered_mrn != referral_mrn:
        raise Invalid({"mrn": [f"the referral already names MRN {referral_mrn}"]})
    mrn = referral_mrn or offered_mrn
    if mrn is None:
        raise Invalid({"mrn": ["required to accept a referral whose patient has no MRN yet"]})
    return mrn


def check_same_person(mrn: str, registered_birth_date: date, referred_birth_date: date) -> None:
    """``Conflict`` when the patient registered under ``mrn`` has another birth date than the
    person referred."""
    if registered_birth_date != referred_birth_date:
        raise Conflict(f"MRN {mrn} belongs to a patient with another birth date; check the MRN.")
