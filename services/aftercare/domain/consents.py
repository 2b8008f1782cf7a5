"""Consent before disclosure (42 CFR Part 2, §2.31-§2.33 as amended in 2024) and the accounting of
disclosures.

Aftercare does not take consents: intake does, and tells aftercare with intake.consent.granted and
intake.consent.revoked. Each consent is kept as one record built from whichever of the two events
arrives first, in any order and any number of times: a revocation is never undone by a grant
delivered after it.

A consent *covers* a disclosure to a provider for treatment when it is granted, not revoked, not
expired, its purpose is ``treatment`` (or ``tpo``), and it names that provider as recipient, or
names no recipient (a class of recipients, ``recipient_class: tpo``: the 2024 rule's single
consent for all future treatment, payment and health care operations). A consent expires after
``expires_on`` (its last day), or, for ``expiry_event: end_of_treatment``, after the day the
treatment it was given in ended (the first discharge no enrollment continues, as intake counts it:
:func:`treatment_end`). Its ``scope`` says what may be disclosed (§2.31(a)(3)): a packet part
outside it is withheld (domain/packet.py).

Only a substance-use program's records are Part 2 records (``site.programs[code].substance_use``);
a mental-health program's treatment disclosures follow HIPAA and need no consent. A program the
site's catalog no longer lists is treated as a substance-use one: when in doubt, ask for consent.
"""
from datetime import date, datetime, timedelta

from shared.errors import Conflict

TREATMENT_PURPOSES = frozenset({"treatment", "tpo"})

# What a disclosure was: the referral sent to the provider, the packet produced for it, the
# medication list printed for it, or records given another way (recorded by staff).
DISCLOSURE_KINDS = ("referral_sent", "packet", "medication_list", "other_records")

# §2.32(a)(1) as amended by the 2024 final rule (89 FR 12472, 16 February 2024): the statement
# each disclosure made with the patient's written consent must carry.
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, "
    "the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of "
    "the following applies: (i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. "
    "(ii) You are a covered entity or business associate and have received the record for treatment, payment, or "
    "health care operations, or (iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other "
    "information is NOT sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)
PART2_NOTICE_SOURCE = "42 CFR 2.32(a)(1), as amended at 89 FR 12472 (16 February 2024)"


class ConsentRequired(Conflict):
    """A Part 2 record would leave the program without a consent that covers it (409,
    problem type .../problems/consent-required)."""

    title = "Consent required"


CONSENT_FIELDS = ("consent_id", "patient_id", "scope", "recipient_id", "recipient_class", "purpose", "expires_on",
                  "expiry_event")
END_OF_TREATMENT = "end_of_treatment"


def consent_fields(payload: dict) -> dict:
    """What both consent events carry about the consent itself."""
    return {key: payload.get(key) for key in CONSENT_FIELDS}


def treatment_end(episodes: list[tuple[date, date | None]], since: date) -> date | None:
    """The day the treatment a consent given on ``since`` belongs to ended: the first discharge day
    on or after it that no enrollment continues (one starting that day or the next is a
    continuation); None while the patient is still in treatment. ``episodes``: (start, discharge or None)."""
    for end in sorted(end for _, end in episodes if end is not None and end >= since):
        if not any(start <= end + timedelta(days=1) and (stop is None or stop > end) for start, stop in episodes):
            return end
    return None


def granted(consent: dict, payload: dict, occurred_at: datetime, day: date) -> tuple[dict, list] | None:
    """intake.consent.granted applied to the consent's record (None when already applied); ``day``
    is the site's day it was granted, from which an end_of_treatment consent's treatment is found."""
    if consent.get("granted_at") is not None:
        return None
    return {**consent_fields(payload), "granted_at": occurred_at, "granted_on": day}, []


def revoked(consent: dict, payload: dict, occurred_at: datetime, day: date) -> tuple[dict, list] | None:
    """intake.consent.revoked applied to the consent's record (None when already applied)."""
    if consent.get("revoked_on") is not None:
        return None
    return {**consent_fields(payload), "revoked_on": payload["revoked_on"], "revoked_at": occurred_at}, []


def status(consent: dict, today: date, episodes: list[tuple[date, date | None]] = ()) -> str:
    """``active``, ``revoked``, ``expired`` or ``pending`` (its revocation arrived, not its grant);
    ``episodes`` (the patient's enrollments) decide when an end_of_treatment consent ends."""
    if consent.get("revoked_on") is not None:
        return "revoked"
    if consent.get("granted_at") is None:
        return "pending"
    if consent.get("expires_on") is not None and consent["expires_on"] < today:
        return "expired"
    if consent.get("expiry_event") == END_OF_TREATMENT:
        ended = treatment_end(list(episodes), consent.get("granted_on") or consent["granted_at"].date())
        if ended is not None and ended < today:
            return "expired"
    return "active"


def covers(consent: dict, recipient_id: str | None, today: date, episodes: list = ()) -> bool:
    """Whether an active consent lets the program disclose to ``recipient_id`` for treatment."""
    if status(consent, today, episodes) != "active" or consent.get("purpose") not in TREATMENT_PURPOSES:
        return False
    return consent.get("recipient_id") is None or (recipient_id is not None and consent["recipient_id"] == recipient_id)


def covering_consent(consents: list[dict], recipient_id: str | None, today: date, episodes: list = ()) -> dict | None:
    """The consent a disclosure to ``recipient_id`` relies on: one naming that provider before one
    naming a class of recipients, then the one that holds longest."""
    covering = [consent for consent in consents if covers(consent, recipient_id, today, episodes)]
    if not covering:
        return None
    return min(covering, key=lambda consent: (consent.get("recipient_id") is None,
                                              -(consent["expires_on"] or date.max).toordinal(),
                                              consent["consent_id"]))


def needs_consent(programs: dict, program_code: str | None) -> bool:
    """A substance-use program's records need consent before they leave it (unknown: yes)."""
    program = programs.get(program_code) if program_code else None
    return True if program is None else bool(program.substance_use)


def require_consent(programs: dict, program_code: str | None, consents: list[dict], recipient_id: str | None,
                    today: date, what: str, episodes: list = ()) -> dict | None:
    """The consent ``what`` (a disclosure to ``recipient_id``) relies on; None when the program's
    records need none; ConsentRequired when they need one and none covers it."""
    if not needs_consent(programs, program_code):
        return None
    consent = covering_consent(consents, recipient_id, today, episodes)
    if consent is None:
        whom = "this provider" if recipient_id else "a provider (the referral names none yet)"
        raise ConsentRequired(
            f"{what}: the patient's records are protected by 42 CFR Part 2 and no active consent covers a "
            f"disclosure to {whom} for treatment. Record the patient's written consent in intake "
            "(POST /intake/v1/patients/{id}/consents), then try again.")
    return consent


def consent_explanation(consent: dict | None) -> dict | None:
    """§2.32(b) (2024): a disclosure carries a copy of the consent or a clear explanation of its scope."""
    if consent is None:
        return None
    return {key: consent.get(key) for key in ("consent_id", "scope", "recipient_id", "recipient_class", "purpose",
                                              "expires_on", "expiry_event")}


def disclosure(disclosure_id: str, *, site_id: str, patient_id: str, enrollment_id: str | None, kind: str,
               what: list[str], recipient_id: str | None, recipient_name: str | None, consent: dict | None,
               part2: bool, notice_included: bool, by: str, on_behalf_of: str | None, at: datetime,
               referral_id: str | None = None) -> dict:
    """One entry of the accounting of disclosures: what, to whom, when, under which consent, by whom."""
    if kind not in DISCLOSURE_KINDS:
        raise ValueError(f"kind must be one of {DISCLOSURE_KINDS}")
    return {
        "_id": disclosure_id, "site_id": site_id, "patient_id": patient_id, "enrollment_id": enrollment_id,
        "referral_id": referral_id, "kind": kind, "what": list(what), "recipient_id": recipient_id,
        "recipient_name": recipient_name, "consent_id": consent["consent_id"] if consent else None,
        "part2": part2, "notice_included": notice_included, "by": by, "on_behalf_of": on_behalf_of, "disclosed_at": at,
    }
