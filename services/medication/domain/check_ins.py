"""Medication check-ins: how a patient is taking their medication, the side effects they report,
the event a reported side effect causes, and the adherence rate over a period.

The request schema has already checked the fields. A check-in is a plain dict, stored as it is::

    {_id, patient_id, adherence: "taken" | "partial" | "missed",
     side_effects: [{name, severity: "mild" | "moderate" | "severe"}],
     checked_in_at: aware datetime, recorded_by}
"""
from datetime import date, datetime, timedelta, tzinfo

from shared.errors import Invalid
from shared.events.medication import side_effect_reported
from shared.events.registry import DomainEvent

ADHERENCE = ("taken", "partial", "missed")
SIDE_EFFECT_SEVERITIES = ("mild", "moderate", "severe")

# Partial adherence counts as half a dose taken: it is better than missing but should still
# pull the rate down, and a single fixed weight keeps rates comparable across sites.
PARTIAL_WEIGHT = 0.5
DEFAULT_ADHERENCE_DAYS = 30


def new_check_in(check_in_id: str, report: dict, now: datetime, actor: str) -> tuple[dict, list[DomainEvent]]:
    """A check-in recorded at ``now`` from a validated ``report``.

    Any reported side effect emits medication.side_effect.reported with the gravest severity and
    the number of side effects, never their names; case management acts on ``severe``.
    """
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    side_effects = [{"name": effect["name"], "severity": effect["severity"]}
                    for effect in report.get("side_effects", [])]
    check_in = {
        "_id": check_in_id,
        "patient_id": report["patient_id"],
        "adherence": report["adherence"],
        "side_effects": side_effects,
        "checked_in_at": now,
        "recorded_by": actor,
    }
    severity = highest_severity(side_effects)
    if severity is None:
        return check_in, []
    return check_in, [side_effect_reported(check_in_id=check_in_id, patient_id=check_in["patient_id"],
                                           severity=severity, side_effect_count=len(side_effects))]


def highest_severity(side_effects: list[dict]) -> str | None:
    """The gravest severity reported (mild < moderate < severe), or None when none was reported."""
    reported = [SIDE_EFFECT_SEVERITIES.index(effect["severity"]) for effect in side_effects]
    return SIDE_EFFECT_SEVERITIES[max(reported)] if reported else None


def adherence_period(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The days an adherence rate covers: by default the last 30 days up to ``today`` included;
    Invalid (on ``from``, as the client names it) when the period ends before it starts."""
    end = end or today
    start = start or end - timedelta(days=DEFAULT_ADHERENCE_DAYS - 1)
    if start > end:
        raise Invalid({"from": ["Must not be after 'to'."]})
    return start, end


def adherence_rate(check_ins: list[dict], start: date, end: date, tz: tzinfo | None = None) -> dict:
    """Adherence over the check-ins made from ``start`` to ``end``, both days included.

    rate = (taken + 0.5 * partial) / check-ins, between 0 and 1; None when there is no check-in
    in the period (no data is not the same as zero adherence).

    A check-in's day is the date of ``checked_in_at`` in ``tz`` when given (pass the site's
    timezone), else in the offset it was recorded with.
    """
    if start > end:
        raise ValueError("start must not be after end")
    counts = {"taken": 0, "partial": 0, "missed": 0}
    for check_in in check_ins:
        at = check_in["checked_in_at"]
        day = (at.astimezone(tz) if tz else at).date()
        if start <= day <= end:
            counts[check_in["adherence"]] += 1

    total = sum(counts.values())
    rate = (counts["taken"] + PARTIAL_WEIGHT * counts["partial"]) / total if total else None
    return {"check_ins": total, **counts, "rate": rate}
