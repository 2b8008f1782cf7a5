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
    """A printable list for the next prescriber; carries no patient name or identifier.

    Each medication takes two lines; the first starts with "*" when it changed recently.
    """
    lines = ["Discharge medication list", "(*) started or dose changed shortly before discharge", ""]
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
