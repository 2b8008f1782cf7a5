"""Referrals to the next level of care, tracked from creation until the patient is seen there.

created -> sent -> accepted -> scheduled -> completed; a receiving provider may decline a sent
or accepted referral (a reason is required, and a re-referral task follows); any referral not
yet finished may be cancelled. A referral is a plain dict; functions return updated copies.
"""
from copy import deepcopy
from datetime import date, datetime

from shared.business_days import BusinessCalendar
from shared.errors import Invalid, StateMachine

LEVELS_OF_CARE = (
    "outpatient_therapy",
    "psychiatry",
    "php",  # partial hospitalization
    "residential",
    "mat",  # medication for addiction treatment
    "peer_support",
    "primary_care",
    "other",
)

STATUSES = ("created", "sent", "accepted", "scheduled", "completed", "declined", "cancelled")
TERMINAL_STATUSES = frozenset({"completed", "declined", "cancelled"})

MACHINE = StateMachine(
    "referral",
    {
        "created": {"sent", "cancelled"},
        "sent": {"accepted", "declined", "cancelled"},
        "accepted": {"scheduled", "declined", "cancelled"},
        "scheduled": {"completed", "cancelled"},
    },
)

# A reason explains why a referral ended short of completion; anywhere else it would be lost.
REASON_ALLOWED = frozenset({"declined", "cancelled"})


def new_referral(plan_id: str, level_of_care: str, new_id, now: datetime, provider: str | None = None) -> dict:
    """A referral in status ``created``; ``provider`` is the receiving organisation, if known."""
    if level_of_care not in LEVELS_OF_CARE:
        raise Invalid({"level_of_care": [f"must be one of {', '.join(LEVELS_OF_CARE)}"]})
    _require_aware(now)
    return {
        "id": new_id(),
        "plan_id": plan_id,
        "level_of_care": level_of_care,
        "provider": provider,
        "status": "created",
        "created_at": now,
        "history": [],
    }


def transition(
    referral: dict, to: str, now: datetime, actor: str, note: str | None = None, reason: str | None = None
) -> tuple[dict, dict | None]:
    """Move a referral to ``to``; returns the updated referral and the follow-on task request,
    ``{"kind": "re_referral", "source": {...}}`` after a decline, else ``None``.

    The updated referral records the instant it reached each status as ``<status>_at``."""
    if to not in STATUSES:
        raise Invalid({"to": [f"must be one of {', '.join(STATUSES)}"]})
    _require_aware(now)
    if not isinstance(actor, str) or not actor.strip():
        raise Invalid({"actor": ["is required"]})
    MACHINE.check(referral["status"], to)
    if to == "declined" and (not isinstance(reason, str) or not reason.strip()):
        raise Invalid({"reason": ["is required to decline a referral"]})
    if reason is not None and to not in REASON_ALLOWED:
        raise Invalid({"reason": ["is only taken when a referral is declined or cancelled"]})

    updated = deepcopy(referral)
    entry = {"at": now, "by": actor, "from": referral["status"], "to": to}
    if note is not None:
        entry["note"] = note
    if reason is not None:
        entry["reason"] = reason
    updated["status"] = to
    updated[f"{to}_at"] = now
    updated["history"].append(entry)

    follow_on = None
    if to == "declined":
        updated["decline_reason"] = reason
        follow_on = {
            "kind": "re_referral",
            "source": {"referral_id": referral["id"], "level_of_care": referral["level_of_care"]},
        }
    return updated, follow_on


def acceptance_deadline(referral: dict, calendar: BusinessCalendar, business_days: int = 5) -> date | None:
    """The last site business day on which a sent referral is on time; None if never sent."""
    sent_at = referral.get("sent_at")
    if sent_at is None:
        return None
    return calendar.add_business_days(sent_at.date(), business_days)


def acceptance_overdue(referral: dict, today: date, calendar: BusinessCalendar, business_days: int = 5) -> bool:
    """A referral still waiting for the provider's answer past its deadline (a referral follow-up
    is due). Only ``sent`` waits: an accepted one has been answered, a created one not yet asked."""
    if referral["status"] != "sent":
        return False
    return today > acceptance_deadline(referral, calendar, business_days)


def _require_aware(now: datetime) -> None:
    # sent_at.date() must be the site's date: a naive instant has no zone to say which day it is.
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
