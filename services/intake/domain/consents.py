"""Part 2 consents: what a written consent must name (42 CFR §2.31, as amended in 2024), and its life.

Substance-use records leave the program only under a written consent. Intake records the consent
the patient signed; aftercare learns it from intake.consent.granted / .revoked and checks it
before each disclosure. The elements of §2.31(a), and where each lives:

- (a)(1) the patient: ``patient_id`` (the name stays on the patient's record);
- (a)(2) who may disclose: the program of the site that records the consent;
- (a)(3) what may be disclosed: ``scope``, codes of :data:`SCOPES`; ``all_records`` stands alone;
- (a)(4) to whom: one provider of aftercare's directory (``recipient_id``), or a class of
  recipients (``recipient_class: tpo``, the 2024 single consent for all future uses for treatment,
  payment and health care operations: "my treating providers, health plans, third-party payers,
  and people helping to operate this program");
- (a)(5) why: ``purpose``, one of :data:`PURPOSES`; ``other`` needs a description
  (``purpose_detail``, free text that stays in intake). A TPO class of recipients serves a TPO
  purpose, never ``other``;
- (a)(7) until when: ``expires_on`` (the last day it holds, not before the signature nor before
  today), or an event: ``end_of_treatment``, or ``none``, which §2.31(a)(7) allows only for
  treatment, payment and health care operations;
- (a)(8)-(9) signature and date: ``signed_by`` (the patient, or a guardian under §2.14/§2.15), a
  signer reference (an id the front-end gives, never a name; it never travels in events), and
  ``signed_on`` (not after today).

(a)(6) (the right to revoke) and (a)(10) (the notices) are statements of the signed form itself.

Life: a consent is recorded ``active``; a written revocation makes it ``revoked`` (§2.31(a)(6)).
It is ``expired`` once the site's today is past its last day: ``expires_on``, or for
``end_of_treatment`` the day the patient's treatment ended (:func:`treatment_end`). Revoked and
expired are final: a revocation of either is a 409. Expiry is computed as of a day rather than
stored, so it needs no sweep and every answer is right on the day it is given.
"""
from collections.abc import Iterable
from datetime import date, timedelta

from shared.errors import Conflict, Invalid
from shared.events.intake import (
    CONSENT_EXPIRY_EVENTS,
    CONSENT_RECIPIENT_CLASSES,
    consent_granted,
    consent_revoked,
)
from shared.events.registry import DomainEvent

# What may be disclosed (§2.31(a)(3)): parts of the record, each meaningful on its own.
ALL_RECORDS = "all_records"
SCOPES: tuple[str, ...] = ("diagnoses", "medications", "treatment_plan", "discharge_summary", "referral_packet",
                           ALL_RECORDS)
# Why (§2.31(a)(5)).
TREATMENT, PAYMENT, OPERATIONS, OTHER = "treatment", "payment", "health_care_operations", "other"
PURPOSES: tuple[str, ...] = (TREATMENT, PAYMENT, OPERATIONS, OTHER)
TPO_PURPOSES = frozenset({TREATMENT, PAYMENT, OPERATIONS})
# To whom, as a class (§2.31(a)(4)(i), 2024).
TPO = "tpo"
RECIPIENT_CLASSES = CONSENT_RECIPIENT_CLASSES
# Until when, as an event (§2.31(a)(7)).
END_OF_TREATMENT, NO_EXPIRY = "end_of_treatment", "none"
EXPIRY_EVENTS = CONSENT_EXPIRY_EVENTS
# Who signed (§2.31(a)(8)): the patient, or a person authorised for a minor or an incompetent patient.
SIGNERS: tuple[str, ...] = ("patient", "guardian")

ACTIVE, REVOKED, EXPIRED = "active", "revoked", "expired"
STATUSES: tuple[str, ...] = (ACTIVE, REVOKED, EXPIRED)
# The moves a command makes; expiry is no move but the passing of days. Revoked and expired are final.
TRANSITIONS: dict[str, set[str]] = {ACTIVE: {REVOKED}, REVOKED: set(), EXPIRED: set()}

# The terms a consent is recorded with (the fields of the API's ConsentCreate).
TERMS = ("scope", "recipient_id", "recipient_class", "purpose", "purpose_detail", "expires_on", "expiry_event")


def grant(consent_id: str, patient_id: str, terms: dict, today: date) -> tuple[dict, DomainEvent]:
    """The consent as recorded (its terms, signature and status) and the event it causes.

    ``terms`` holds the §2.31 elements and ``signature`` {signed_by, signer, signed_on}.
    ``Invalid`` names every element that breaks a rule of the module's docstring."""
    errors = {**term_errors(terms), **_day_errors(terms, today)}
    if errors:
        raise Invalid(errors)
    consent = {key: terms.get(key) for key in TERMS}
    consent.update(scope=[code for code in SCOPES if code in terms["scope"]], signature=dict(terms["signature"]),
                   status=ACTIVE, revocation=None)
    return consent, consent_granted(**event_fields(consent_id, patient_id, consent))


def term_errors(terms: dict) -> dict[str, list[str]]:
    """The rules among the terms themselves, which compare no days (the API's request schema checks
    them too, so that its spec and this module say the same): one scope, one recipient, one
    purpose, one expiry."""
    return {**_scope_errors(terms.get("scope")), **_recipient_errors(terms), **_purpose_errors(terms),
            **_expiry_errors(terms)}


def revoke(consent: dict, revoked_on: date, today: date, treatment_ended_on: date | None) -> tuple[dict, DomainEvent]:
    """The changes a written revocation makes, and the event. ``Conflict`` (409) for a consent
    already revoked or expired (:data:`TRANSITIONS`); then ``Invalid`` for a ``revoked_on`` before the signature
    or after today."""
    current = status(consent, today, treatment_ended_on)
    if REVOKED not in TRANSITIONS[current]:
        raise Conflict(f"The consent is {current}: only an active consent can be revoked.")
    if revoked_on > today:
        raise Invalid({"revoked_on": ["Must not be after the site's today."]})
    if revoked_on < consent["signature"]["signed_on"]:
        raise Invalid({"revoked_on": ["Must not be before the day the consent was signed."]})
    event = consent_revoked(**event_fields(consent["_id"], consent["patient_id"], consent), revoked_on=revoked_on)
    return {"status": REVOKED, "revocation": {"revoked_on": revoked_on}}, event


def event_fields(consent_id: str, patient_id: str, consent: dict) -> dict:
    """What both consent events carry: ids and codes, never the purpose's description or the signer."""
    return {"consent_id": consent_id, "patient_id": patient_id, "scope": list(consent["scope"]),
            "recipient_id": consent["recipient_id"], "recipient_class": consent["recipient_class"],
            "purpose": consent["purpose"], "expires_on": consent["expires_on"], "expiry_event": consent["expiry_event"]}


def last_day(consent: dict, treatment_ended_on: date | None) -> date | None:
    """The last day the consent holds as known today: its ``expires_on``, or the day the treatment
    ended for ``end_of_treatment``; None while it has no end (yet)."""
    if consent.get("expires_on") is not None:
        return consent["expires_on"]
    if consent.get("expiry_event") == END_OF_TREATMENT:
        return treatment_ended_on
    return None


def status(consent: dict, today: date, treatment_ended_on: date | None) -> str:
    """``revoked``, else ``expired`` once ``today`` is past its last day, else ``active``."""
    if consent["status"] == REVOKED:
        return REVOKED
    end = last_day(consent, treatment_ended_on)
    return EXPIRED if end is not None and end < today else ACTIVE


def treatment_end(episodes: Iterable[tuple[date, date | None]], signed_on: date) -> date | None:
    """The day the treatment a consent was signed in (or before) ended: the first discharge day on
    or after ``signed_on`` that no enrollment continues (an enrollment starting that day or the
    next counts as a continuation, e.g. a readmission the day after a discharge). None while the
    patient is still in treatment, or has not been since the signature.

    ``episodes`` are the patient's enrollments as ``(start_date, discharge_date or None)``."""
    episodes = list(episodes)
    ends = sorted(end for _, end in episodes if end is not None and end >= signed_on)
    for end in ends:
        if not any(start <= end + timedelta(days=1) and (stop is None or stop > end)
                   for start, stop in episodes):
            return end
    return None


def _scope_errors(scope) -> dict:
    if not scope:
        return {"scope": ["Name at least one kind of record (§2.31(a)(3))."]}
    unknown = [code for code in scope if code not in SCOPES]
    if unknown:
        return {"scope": [f"Unknown codes {unknown}; use {', '.join(SCOPES)}."]}
    if len(set(scope)) != len(scope):
        return {"scope": ["A code is listed twice."]}
    if ALL_RECORDS in scope and len(scope) > 1:
        return {"scope": ["all_records covers every other code: give it alone."]}
    return {}


def _recipient_errors(terms: dict) -> dict:
    recipient_id, recipient_class = terms.get("recipient_id"), terms.get("recipient_class")
    if (recipient_id is None) == (recipient_class is None):
        return {"recipient_id": ["Name one recipient (recipient_id) or a class of recipients (recipient_class), "
                                 "not both or neither (§2.31(a)(4))."]}
    if recipient_class is not None and recipient_class not in RECIPIENT_CLASSES:
        return {"recipient_class": [f"Must be one of: {', '.join(RECIPIENT_CLASSES)}."]}
    return {}


def _purpose_errors(terms: dict) -> dict:
    purpose = terms.get("purpose")
    if purpose not in PURPOSES:
        return {"purpose": [f"Must be one of: {', '.join(PURPOSES)}."]}
    if purpose == OTHER and not (terms.get("purpose_detail") or "").strip():
        return {"purpose_detail": ["Describe the purpose when it is other (§2.31(a)(5))."]}
    if purpose != OTHER and terms.get("purpose_detail") is not None:
        return {"purpose_detail": ["Only with purpose other."]}
    if terms.get("recipient_class") == TPO and purpose not in TPO_PURPOSES:
        return {"purpose": ["A TPO class of recipients serves treatment, payment or health_care_operations."]}
    return {}


def _expiry_errors(terms: dict) -> dict:
    expires_on, event = terms.get("expires_on"), terms.get("expiry_event")
    if (expires_on is None) == (event is None):
        return {"expires_on": ["Give an expiry date (expires_on) or an expiry event (expiry_event), not both or "
                               "neither (§2.31(a)(7))."]}
    if event is not None and event not in EXPIRY_EVENTS:
        return {"expiry_event": [f"Must be one of: {', '.join(EXPIRY_EVENTS)}."]}
    if event == NO_EXPIRY and terms.get("purpose") not in TPO_PURPOSES:
        return {"expiry_event": ["none is allowed only for treatment, payment or health_care_operations."]}
    return {}


def _day_errors(terms: dict, today: date) -> dict:
    """The rules between days: a signature not after today, an expiry neither before the signature
    nor already past."""
    expires_on, signature = terms.get("expires_on"), terms.get("signature") or {}
    errors = _signature_errors(signature, today)
    if expires_on is not None and signature.get("signed_on") is not None and expires_on < signature["signed_on"]:
        errors["expires_on"] = ["Must not be before signature.signed_on."]
    elif expires_on is not None and expires_on < today:
        errors["expires_on"] = ["The consent would already have expired: must not be before the site's today."]
    return errors


def _signature_errors(signature: dict, today: date) -> dict:
    if signature.get("signed_by") not in SIGNERS:
        return {"signature.signed_by": [f"Must be one of: {', '.join(SIGNERS)} (§2.31(a)(8))."]}
    if not signature.get("signer"):
        return {"signature.signer": ["Name who signed, by reference (§2.31(a)(8))."]}
    if signature.get("signed_on") is None:
        return {"signature.signed_on": ["The day the consent was signed is required (§2.31(a)(9))."]}
    if signature["signed_on"] > today:
        return {"signature.signed_on": ["Must not be after the site's today."]}
    return {}
