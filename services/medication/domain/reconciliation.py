"""Discharge medication reconciliation: the active medication list handed to the next prescriber.

Made when an enrollment ends (any outcome). It lists every active order at its current dose and
marks what changed shortly before discharge, since a recent start or dose change is what the
next prescriber most needs to watch. Discontinued orders are left out. Completing one emits
medication.reconciliation.completed (ids and the count only).
"""
from datetime import date, datetime, timedelta, tzinfo

from services.medication.domain.orders import is_active
from shared.events.medication import reconciliation_completed
from shared.events.registry import DomainEvent

RECENT_DAYS = 14


def complete_reconciliation(reconciliation_id: str, discharge: dict, orders: list[dict], now: datetime,
                            tz: tzinfo | None = None) -> tuple[dict, list[DomainEvent]]:
    """The reconciliation of an enrollment that ended (``discharge``: enrollment_id, patient_id,
    outcome, discharge_date) from the patient's orders as they are ``now``, and its event."""
    medications = reconcile(orders, discharge["discharge_date"], tz=tz)
    reconciliation = {
        "_id": reconciliation_id,
        "enrollment_id": discharge["enrollment_id"],
        "patient_id": discharge["patient_id"],
        "outcome": discharge["outcome"],
        "discharge_date": discharge["discharge_date"],
        "medications": medications,
        "completed_at": now,
    }
    completed = reconciliation_completed(reconciliation_id=reconciliation_id,
                                         enrollment_id=reconciliation["enrollment_id"],
                                         patient_id=reconciliation["patient_id"], medication_count=len(medications))
    return reconciliation, [completed]


def reconcile(orders: list[dict], discharge_date: date, recent_days: int = RECENT_DAYS,
              tz: tzinfo | None = None) -> list[dict]:
    """One entry per active order, sorted by medication name.

    An entry is recently changed when the order started, or its dose was last adjusted, on or
    after ``discharge_date - recent_days``. Changes dated after the discharge date also count:
    the list is made from the orders as they are now, and a change that late is the most recent
    of all. ``tz`` (the site's timezone) decides the calendar day of an adjustment; without it,
    the offset of its instant does (UTC once stored).
    """
    if recent_days < 0:
        raise ValueError("recent_days must not be negative")
    window_start = discharge_date - timedelta(days=recent_days)

    entries = []
    for order in orders:
        if not is_active(order):
            continue
        adjustment = _last_adjustment(order)
        changed_on = [order["start_date"]]
        if adjustment is not None:
            changed_on.append(_day_of(adjustment["at"], tz))
        entry = {
            "order_id": order["_id"],
            "medication": order["medication"],
            "dose": order["dose"],
            "route": order["route"],
            "frequency": order["frequency"],
            "prescriber": order["prescriber"],
            "start_date": order["start_date"],
            "recently_changed": max(changed_on) >= window_start,
            "last_change": adjustment,
        }
        # Optional keys appear only when known, so that a consumer never prints "None".
        for optional in ("rxnorm", "indication"):
            if order.get(optional) is not None:
                entry[optional] = order[optional]
        entries.append(entry)

    return sorted(entries, key=lambda e: (e["medication"].casefold(), e["start_date"], e["order_id"]))


def render_text(reconciliation: list[dict]) -> str:
    """The list of active medications (the body of :func:`render_print`); names no patient.

    Each medication takes two lines; the first starts with "*" when it changed recently.
    """
    lines = ["Active medications", "(*) started or dose changed shortly before discharge", ""]
    if not reconciliation:
        lines.append("No active medications.")
    for entry in reconciliation:
        mark = "*" if entry["recently_changed"] else " "
        lines.append(f"{mark} {entry['medication']} {entry['dose']}, {entry['route']}, {entry['frequency']}")
        details = [f"order {entry['order_id']}"]
        if "rxnorm" in entry:
            details.append(f"RxNorm {entry['rxnorm']}")
        details.append(f"started {entry['start_date'].isoformat()}")
        change = entry["last_change"]
        if change is not None:
            changed_on = change["at"].date().isoformat()
            details.append(f"dose changed {changed_on} from {change['from_dose']} to {change['to_dose']}")
        details.append(f"prescriber {entry['prescriber']}")
        if "indication" in entry:
            details.append(f"for {entry['indication']}")
        lines.append("    " + "; ".join(details))
    return "\n".join(lines) + "\n"


def _last_adjustment(order: dict) -> dict | None:
    for record in reversed(order["history"]):
        if record["action"] == "adjusted":
            return {key: record[key] for key in ("at", "action", "from_dose", "to_dose")}
    return None


def _day_of(at: datetime, tz: tzinfo | None) -> date:
    return (at.astimezone(tz) if tz else at).date()


# 42 CFR 2.32(a)(2) (2024): the abbreviated statement a substance-use program's disclosure may carry.
PART2_SHORT_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def stopped_during_program(orders: list[dict], start: date | None, discharge: date, tz: tzinfo | None = None) -> list[dict]:
    """The orders discontinued from the program's start (when known) to its discharge day, oldest
    first, each with when, by whom and why it was stopped."""
    stopped = []
    for order in orders:
        if is_active(order) or order.get("discontinued_at") is None:
            continue
        day = _day_of(order["discontinued_at"], tz)
        if (start is None or start <= day) and day <= discharge:
            record = next((entry for entry in reversed(order["history"]) if entry["action"] == "discontinued"), {})
            stopped.append({**order, "stopped_on": day, "stopped_by": record.get("by"), "stop_reason": record.get("reason")})
    return sorted(stopped, key=lambda order: (order["discontinued_at"], order["_id"]))


def render_print(reconciliation: dict, *, site_name: str, patient: dict | None, patient_missing: str | None,
                 program: dict | None, start_date: date | None, stopped: list[dict], tz: tzinfo | None = None) -> str:
    """The printable reconciliation for the next prescriber: who it is about (identity as intake
    answered it, or why it could not be read), the site, the program and its dates, when and by
    what it was reconciled, the active list, what was stopped during the program and, for a
    substance-use program (or one medication does not know), the Part 2 notice."""
    lines = ["Discharge medication list", f"Site: {site_name}", _patient_line(reconciliation, patient, patient_missing)]
    if program is not None:
        lines.append(f"Program: {program['name']} ({program['code']}), "
                     f"{start_date.isoformat() if start_date else 'start not known'} to "
                     f"{reconciliation['discharge_date'].isoformat()}")
    else:
        lines.append("Program: not known to the medication service")
    lines.append(f"Discharge: {reconciliation['discharge_date'].isoformat()} ({reconciliation['outcome'].replace('_', ' ')})")
    completed_at = reconciliation["completed_at"].astimezone(tz) if tz else reconciliation["completed_at"]
    lines.append(f"Reconciled: {completed_at.isoformat(timespec='minutes')} by the medication service, "
                 "automatically when intake reported the discharge")
    lines.append("")
    lines.extend(render_text(reconciliation["medications"]).splitlines())
    lines.extend(["", "Stopped during the program"])
    if not stopped:
        lines.append("None.")
    for order in stopped:
        lines.append(f"  {order['medication']} {order['dose']}, {order['route']}, {order['frequency']}")
        details = [f"order {order['_id']}", f"stopped {order['stopped_on'].isoformat()}"]
        if order.get("stopped_by"):
            details.append(f"by {order['stopped_by']}")
        if order.get("stop_reason"):
            details.append(f"reason: {order['stop_reason']}")
        details.append(f"prescriber {order['prescriber']}")
        lines.append("    " + "; ".join(details))
    if program is None or program["substance_use"]:
        lines.extend(["", PART2_SHORT_NOTICE])
    return "\n".join(lines) + "\n"


def _patient_line(reconciliation: dict, patient: dict | None, missing: str | None) -> str:
    if patient is None:
        return f"Patient: {reconciliation['patient_id']} (name not available: {missing or 'not read'})"
    parts = [f"{patient.get('family_name', '')}, {patient.get('given_name', '')}".strip(", ")]
    if patient.get("birth_date"):
        parts.append(f"born {patient['birth_date']}")
    if patient.get("mrn"):
        parts.append(f"MRN {patient['mrn']}")
    return "Patient: " + "; ".join(parts)
