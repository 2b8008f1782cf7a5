"""Medication check-ins: how a patient is taking their medication, the side effects they report,
and the adherence rate over a period.

A check-in is a plain dict::

    {id, patient_id, adherence: "taken" | "partial" | "missed",
     side_effects: [{name, severity: "mild" | "moderate" | "severe"}],
     checked_in_at: aware datetime, recorded_by}
"""
import uuid
from datetime import date, datetime, tzinfo

from shared.errors import Invalid

ADHERENCE = ("taken", "partial", "missed")
SIDE_EFFECT_SEVERITIES = ("mild", "moderate", "severe")

CHECK_IN_FIELDS = frozenset({"patient_id", "adherence", "side_effects"})
MAX_NAME_LENGTH = 200

# Partial adherence counts as half a dose taken: it is better than missing but should still
# pull the rate down, and a single fixed weight keeps rates comparable across sites.
PARTIAL_WEIGHT = 0.5


def new_check_in(fields: dict, now: datetime, actor: str, check_in_id: str | None = None) -> dict:
    """A check-in recorded at ``now``; raises Invalid naming every bad field at once.

    Side-effect errors are keyed ``side_effects.<index>.<field>`` so a client can point at the row.
    """
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    errors: dict[str, list[str]] = {}
    for name in sorted(set(fields) - CHECK_IN_FIELDS):
        errors[name] = ["Unknown field."]

    patient_id = fields.get("patient_id")
    if not isinstance(patient_id, str) or not patient_id.strip():
        errors["patient_id"] = ["Missing data for required field."]

    adherence = fields.get("adherence")
    if adherence not in ADHERENCE:
        errors["adherence"] = [f"Must be one of: {', '.join(ADHERENCE)}."]

    side_effects = _side_effects(fields.get("side_effects", []), errors)
    if errors:
        raise Invalid(errors)

    return {
        "id": check_in_id or str(uuid.uuid4()),
        "patient_id": patient_id.strip(),
        "adherence": adherence,
        "side_effects": side_effects,
        "checked_in_at": now,
        "recorded_by": actor,
    }


def highest_severity(side_effects: list[dict]) -> str | None:
    """The gravest severity reported (mild < moderate < severe), or None when none was reported."""
    reported = [SIDE_EFFECT_SEVERITIES.index(effect["severity"]) for effect in side_effects]
    return SIDE_EFFECT_SEVERITIES[max(reported)] if reported else None


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


def _side_effects(value, errors: dict) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors["side_effects"] = ["Not a valid list."]
        return []
    cleaned = []
    for index, effect in enumerate(value):
        prefix = f"side_effects.{index}"
        if not isinstance(effect, dict):
            errors[prefix] = ["Not a valid object."]
            continue
        for name in sorted(set(effect) - {"name", "severity"}):
            errors[f"{prefix}.{name}"] = ["Unknown field."]
        name = effect.get("name")
        if not isinstance(name, str) or not name.strip():
            errors[f"{prefix}.name"] = ["Missing data for required field."]
        elif len(name.strip()) > MAX_NAME_LENGTH:
            errors[f"{prefix}.name"] = [f"Longer than maximum length {MAX_NAME_LENGTH}."]
        severity = effect.get("severity")
        if severity not in SIDE_EFFECT_SEVERITIES:
            errors[f"{prefix}.severity"] = [f"Must be one of: {', '.join(SIDE_EFFECT_SEVERITIES)}."]
        if isinstance(name, str) and severity in SIDE_EFFECT_SEVERITIES:
            cleaned.append({"name": name.strip(), "severity": severity})
    return cleaned
