"""Medication orders: creation with validation, dose adjustments that keep their history, discontinuation.

Orders are plain dicts so that the repository can store exactly what these functions return.
Every function returns a new dict and leaves its argument untouched.

An order looks like::

    {id, patient_id, medication, rxnorm, indication, dose, route, frequency, prescriber,
     start_date: date, status: "active" | "discontinued",
     created_at, created_by, updated_at, discontinued_at: datetime | None,
     history: [{at: ISO string, by, action: "adjusted" | "discontinued", from_dose, to_dose, reason}]}

Creation is recorded by ``created_at``/``created_by``; ``history`` holds every change after it.
"""
import re
import uuid
from datetime import date, datetime

from shared.errors import Invalid, StateMachine

ACTIVE = "active"
DISCONTINUED = "discontinued"
STATUSES = (ACTIVE, DISCONTINUED)

ROUTES = ("oral", "sublingual", "intramuscular", "subcutaneous", "transdermal", "intranasal", "inhaled", "other")

REQUIRED_TEXT_FIELDS = ("patient_id", "medication", "dose", "frequency", "prescriber")
OPTIONAL_TEXT_FIELDS = ("indication",)
ORDER_FIELDS = frozenset(
    REQUIRED_TEXT_FIELDS + OPTIONAL_TEXT_FIELDS + ("route", "start_date", "rxnorm")
)

# Generous, but bounded: these fields end up on a printed list and in every copy of the document.
MAX_TEXT_LENGTH = 500

# An adjustment keeps the order active, so a discontinued order cannot be revived by one:
# a new prescription is a new order with its own history.
ORDER_STATUS = StateMachine("Medication order", {ACTIVE: {ACTIVE, DISCONTINUED}, DISCONTINUED: set()})

_RXNORM_CODE = re.compile(r"[0-9]{1,10}")


def new_order(fields: dict, now: datetime, actor: str, order_id: str | None = None) -> dict:
    """A new active order from request ``fields``; raises Invalid naming every bad field at once."""
    _require_aware(now)
    errors: dict[str, list[str]] = {}
    for name in sorted(set(fields) - ORDER_FIELDS):
        errors[name] = ["Unknown field."]

    values = {}
    for name in REQUIRED_TEXT_FIELDS:
        values[name] = _text(fields.get(name), name, errors, required=True)
    for name in OPTIONAL_TEXT_FIELDS:
        values[name] = _text(fields.get(name), name, errors, required=False)
    values["route"] = _route(fields.get("route"), errors)
    values["start_date"] = _start_date(fields.get("start_date"), errors)
    values["rxnorm"] = _rxnorm(fields.get("rxnorm"), errors)
    if errors:
        raise Invalid(errors)

    return {
        "id": order_id or str(uuid.uuid4()),
        "patient_id": values["patient_id"],
        "medication": values["medication"],
        "rxnorm": values["rxnorm"],
        "indication": values["indication"],
        "dose": values["dose"],
        "route": values["route"],
        "frequency": values["frequency"],
        "prescriber": values["prescriber"],
        "start_date": values["start_date"],
        "status": ACTIVE,
        "created_at": now,
        "created_by": actor,
        "updated_at": now,
        "discontinued_at": None,
        "history": [],
    }


def adjust(order: dict, dose, reason, now: datetime, actor: str) -> dict:
    """The order at its new dose, with the change appended to its history.

    Raises Invalid for a missing dose or reason, or a dose equal to the current one (an
    adjustment that changes nothing would only blur the history); IllegalTransition (409)
    when the order is discontinued.
    """
    _require_aware(now)
    errors: dict[str, list[str]] = {}
    new_dose = _text(dose, "dose", errors, required=True)
    why = _text(reason, "reason", errors, required=True)
    if errors:
        raise Invalid(errors)
    ORDER_STATUS.check(order["status"], ACTIVE)
    if new_dose == order["dose"]:
        raise Invalid({"dose": ["The new dose is the same as the current dose."]})

    change = _history_record(now, actor, "adjusted", order["dose"], new_dose, why)
    return {**order, "dose": new_dose, "updated_at": now, "history": [*order["history"], change]}


def discontinue(order: dict, reason, now: datetime, actor: str) -> dict:
    """The order stopped for good; raises IllegalTransition (409) if it already is."""
    _require_aware(now)
    errors: dict[str, list[str]] = {}
    why = _text(reason, "reason", errors, required=True)
    if errors:
        raise Invalid(errors)
    ORDER_STATUS.check(order["status"], DISCONTINUED)

    change = _history_record(now, actor, "discontinued", order["dose"], None, why)
    return {
        **order,
        "status": DISCONTINUED,
        "updated_at": now,
        "discontinued_at": now,
        "history": [*order["history"], change],
    }


def is_active(order: dict) -> bool:
    return order["status"] == ACTIVE


def _history_record(now: datetime, actor: str, action: str, from_dose, to_dose, reason: str) -> dict:
    # An ISO string keeps the offset the change was made with; MongoDB would store a
    # datetime as naive UTC and lose it.
    return {
        "at": now.isoformat(),
        "by": actor,
        "action": action,
        "from_dose": from_dose,
        "to_dose": to_dose,
        "reason": reason,
    }


def _require_aware(now: datetime) -> None:
    # A naive instant is a programming error in the caller, not bad input from a client.
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")


def _text(value, name: str, errors: dict, *, required: bool) -> str | None:
    if value is None:
        if required:
            errors[name] = ["Missing data for required field."]
        return None
    if not isinstance(value, str):
        errors[name] = ["Not a valid string."]
        return None
    value = value.strip()
    if not value:
        if required:
            errors[name] = ["Must not be empty."]
        return None
    if len(value) > MAX_TEXT_LENGTH:
        errors[name] = [f"Longer than maximum length {MAX_TEXT_LENGTH}."]
        return None
    # One line each: these fields are printed one per line on the reconciliation list.
    if any(ch in value for ch in "\r\n"):
        errors[name] = ["Must be a single line."]
        return None
    return value


def _route(value, errors: dict) -> str | None:
    if value is None:
        errors["route"] = ["Missing data for required field."]
        return None
    if value not in ROUTES:
        errors["route"] = [f"Must be one of: {', '.join(ROUTES)}."]
        return None
    return value


def _start_date(value, errors: dict) -> date | None:
    if value is None:
        errors["start_date"] = ["Missing data for required field."]
        return None
    # datetime is a subclass of date; an instant here means the caller skipped date parsing.
    if not isinstance(value, date) or isinstance(value, datetime):
        errors["start_date"] = ["Not a valid date."]
        return None
    return value


def _rxnorm(value, errors: dict) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _RXNORM_CODE.fullmatch(value):
        errors["rxnorm"] = ["Must be an RxNorm concept code of digits only."]
        return None
    return value
