"""Medication orders: prescription, dose adjustments that keep their history, discontinuation, and
the patient's medication list; each change names the event it causes.

The request schemas (services/medication/api/schemas.py) have already checked every field's type,
length and allowed values; the rules here are the ones that need the order itself. An order is a
plain dict, stored as it is (``_id`` is the order's id)::

    {_id, patient_id, medication, rxnorm, indication, dose, route, frequency, prescriber,
     start_date: date, status: "active" | "discontinued",
     created_at, created_by, updated_at, discontinued_at: datetime | None,
     history: [{at: datetime, by, action: "adjusted" | "discontinued", from_dose, to_dose, reason}]}

Creation is recorded by ``created_at``/``created_by``; ``history`` holds every change after it.
A change returns ``(changed_fields, events)`` and leaves the order it was given untouched.
"""
from datetime import datetime

from shared.errors import Invalid, StateMachine
from shared.events.medication import order_adjusted, order_created, order_discontinued
from shared.events.registry import DomainEvent, EventType

ACTIVE = "active"
DISCONTINUED = "discontinued"
STATUSES = (ACTIVE, DISCONTINUED)

ROUTES = ("oral", "sublingual", "intramuscular", "subcutaneous", "transdermal", "intranasal", "inhaled", "other")

# An adjustment keeps the order active, so a discontinued order cannot be revived by one:
# a new prescription is a new order with its own history.
ORDER_STATUS = StateMachine("Medication order", {ACTIVE: {ACTIVE, DISCONTINUED}, DISCONTINUED: set()})

PRESCRIBED_FIELDS = ("patient_id", "medication", "rxnorm", "indication", "dose", "route", "frequency",
                     "prescriber", "start_date")

Change = tuple[dict, list[DomainEvent]]


def new_order(order_id: str, prescription: dict, now: datetime, actor: str) -> tuple[dict, list[DomainEvent]]:
    """A new active order from a validated ``prescription``, and its medication.order.created."""
    _require_aware(now)
    order = {
        "_id": order_id,
        **{name: prescription.get(name) for name in PRESCRIBED_FIELDS},
        "status": ACTIVE,
        "created_at": now,
        "created_by": actor,
        "updated_at": now,
        "discontinued_at": None,
        "history": [],
    }
    return order, [_order_event(order_created, order)]


def adjust(order: dict, dose: str, reason: str, now: datetime, actor: str) -> Change:
    """The order at its new dose, the change appended to its history.

    IllegalTransition (409) when the order is discontinued; Invalid for a dose equal to the
    current one (an adjustment that changes nothing would only blur the history).
    """
    _require_aware(now)
    ORDER_STATUS.check(order["status"], ACTIVE)
    if dose == order["dose"]:
        raise Invalid({"dose": ["The new dose is the same as the current dose."]})
    record = _history_record(now, actor, "adjusted", order["dose"], dose, reason)
    changes = {"dose": dose, "updated_at": now, "history": [*order["history"], record]}
    return changes, [_order_event(order_adjusted, {**order, **changes})]


def discontinue(order: dict, reason: str, now: datetime, actor: str) -> Change:
    """The order stopped for good; IllegalTransition (409) if it already is."""
    _require_aware(now)
    ORDER_STATUS.check(order["status"], DISCONTINUED)
    record = _history_record(now, actor, "discontinued", order["dose"], None, reason)
    changes = {"status": DISCONTINUED, "updated_at": now, "discontinued_at": now,
               "history": [*order["history"], record]}
    return changes, [_order_event(order_discontinued, {**order, **changes})]


def is_active(order: dict) -> bool:
    return order["status"] == ACTIVE


def medication_list(patient_id: str, orders: list[dict], with_history: bool) -> dict:
    """The patient's active orders by medication name; ``with_history`` adds the discontinued ones,
    and only then does each order carry its change history."""
    by_name = sorted(orders, key=lambda order: (order["medication"].casefold(), order["start_date"], order["_id"]))
    if not with_history:
        by_name = [{key: value for key, value in order.items() if key != "history"} for order in by_name]
    answer = {"patient_id": patient_id, "current": [order for order in by_name if is_active(order)]}
    if with_history:
        answer["discontinued"] = [order for order in by_name if not is_active(order)]
    return answer


def _order_event(event_type: EventType, order: dict) -> DomainEvent:
    # Ids, status and code only: never the medication's name, dose or reason.
    return event_type(order_id=order["_id"], patient_id=order["patient_id"], rxnorm=order["rxnorm"],
                      status=order["status"])


def _history_record(now: datetime, actor: str, action: str, from_dose, to_dose, reason: str) -> dict:
    return {"at": now, "by": actor, "action": action, "from_dose": from_dose, "to_dose": to_dose, "reason": reason}


def _require_aware(now: datetime) -> None:
    # A naive instant is a programming error in the caller, not bad input from a client.
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
