"""Referrals to the next level of care, tracked from creation until the patient is seen there.

created -> sent -> accepted -> scheduled -> completed; a receiving provider may decline a sent
or accepted referral (a reason is required, and a re-referral task follows); any referral not
yet finished may be cancelled. A referral is a plain dict as the store keeps it; functions return
updated copies with the events they cause.
"""
from copy import deepcopy
from datetime import date, datetime

from services.aftercare.domain.tasks import Subject, follow_on_task, open_task
from shared.business_days import BusinessCalendar
from shared.errors import Invalid, StateMachine
from shared.events.aftercare import referral_created, referral_updated
from shared.events.codes import LEVELS_OF_CARE
from shared.events.registry import DomainEvent

STATUSES = ("created", "sent", "accepted", "scheduled", "completed", "declined", "cancelled")

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

# The mark a referral carries once its follow-on task of this kind exists: written after the task
# (a separate document), so a referral without its mark still owes the task.
TASK_MARKS = {"re_referral": "re_referral_task_id", "referral_follow_up": "referral_follow_up_task_id"}


def new_referral(plan: dict, level_of_care: str, referral_id: str, now: datetime,
                 provider: str | None = None, provider_id: str | None = None) -> tuple[dict, list[DomainEvent]]:
    """A referral of ``plan`` in status ``created``, with its aftercare.referral.created;
    ``provider_id`` is the receiving organisation's entry in the site's directory, if known, and
    ``provider`` the reference it was found by (a code or a typed name), as given."""
    if level_of_care not in LEVELS_OF_CARE:
        raise Invalid({"level_of_care": [f"must be one of {', '.join(LEVELS_OF_CARE)}"]})
    _require_aware(now)
    referral = {
        "_id": referral_id,
        "site_id": plan["site_id"],
        "plan_id": plan["_id"],
        "enrollment_id": plan["enrollment_id"],
        "patient_id": plan["patient_id"],
        "level_of_care": level_of_care,
        "provider": provider,
        "provider_id": provider_id,
        # The program whose records the referral discloses: whether sending needs a Part 2 consent.
        "program": plan.get("program"),
        "status": "created",
        "created_at": now,
        "history": [],
    }
    return referral, [referral_created(**_payload(referral))]


def transition(referral: dict, to: str, now: datetime, actor: str, note: str | None = None,
               reason: str | None = None, disclosure: dict | None = None) -> tuple[dict, list[DomainEvent]]:
    """Move a referral to ``to``, recording the instant it reached each status as ``<status>_at``,
    with its aftercare.referral.updated.

    Sending discloses the patient to the provider: ``disclosure`` (``consent_id``, ``part2``,
    ``on_behalf_of``) is kept on the referral as ``sent_disclosure``, unrecorded until the
    accounting of disclosures holds it (:func:`mark_disclosed`), so that a crash in between
    leaves a referral the sweep finds and records."""
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
    if to == "declined":
        updated["decline_reason"] = reason
    if to == "sent":
        updated["sent_disclosure"] = {"consent_id": None, "part2": False, "on_behalf_of": None,
                                      **(disclosure or {}), "recorded": False}
    return updated, [referral_updated(**_payload(updated), previous_status=referral["status"])]


def mark_disclosed(referral: dict, disclosure_id: str) -> tuple[dict, list[DomainEvent]] | None:
    """The referral's mark that its sending is in the accounting of disclosures; None if it is."""
    if (referral.get("sent_disclosure") or {}).get("recorded", True):
        return None
    return {"sent_disclosure.recorded": True, "sent_disclosure.disclosure_id": disclosure_id}, []


def completion_day(referral: dict, zone) -> date | None:
    """The site day the provider reported the referral completed: a follow-up visit with that
    provider for iop_follow_up (``zone`` is the site's)."""
    completed_at = referral.get("completed_at")
    return completed_at.astimezone(zone).date() if referral["status"] == "completed" and completed_at else None


def owes_re_referral(referral: dict) -> bool:
    """A declined referral owes a re-referral task until it carries that task's mark."""
    return referral["status"] == "declined" and not referral.get(TASK_MARKS["re_referral"])


def acceptance_deadline(referral: dict, calendar: BusinessCalendar, business_days: int = 5) -> date | None:
    """The last site business day on which a sent referral is on time; None if never sent.
    ``sent_at`` is read in the zone it carries: give it in the site's own."""
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


def follow_on(referral: dict, kind: str, today: date, calendar: BusinessCalendar, task_id: str,
              now: datetime) -> tuple[dict, list[DomainEvent]]:
    """The referral's re-referral or referral follow-up task, with its aftercare.task.created."""
    task = follow_on_task(kind, today, calendar, task_id, now,
                          source={"referral_id": referral["_id"], "level_of_care": referral["level_of_care"]})
    return open_task(Subject.of_referral(referral), task)


def mark_task(referral: dict, kind: str, task_id: str) -> tuple[dict, list[DomainEvent]] | None:
    """The referral's mark that its follow-on task exists; None when it has it already."""
    if referral.get(TASK_MARKS[kind]) == task_id:
        return None
    return {TASK_MARKS[kind]: task_id}, []


def _payload(referral: dict) -> dict:
    return {"referral_id": referral["_id"], "plan_id": referral["plan_id"], "enrollment_id": referral["enrollment_id"],
            "patient_id": referral["patient_id"], "level_of_care": referral["level_of_care"],
            "status": referral["status"]}


def _require_aware(now: datetime) -> None:
    # sent_at.date() must be the site's date: a naive instant has no zone to say which day it is.
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
