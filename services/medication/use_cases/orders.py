"""Prescribing, adjusting and discontinuing orders, and a patient's medication list.

Each change and its event are one atomic write (the order's outbox). The domain raises Invalid
(422) or IllegalTransition (409) before anything is written.
"""
import uuid
from collections.abc import Callable
from datetime import datetime

from services.medication.domain import orders as rules
from services.medication.store import MedicationStore
from services.medication.use_cases.roster import find_patient, require_patient
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound


def create_order(store: MedicationStore, cause: Cause, prescription: dict) -> dict:
    """A new active order for a patient of the cause's site (emits medication.order.created)."""
    require_patient(store, cause.site_id, prescription["patient_id"])
    order, events = rules.new_order(str(uuid.uuid4()), prescription, clock.now(), cause.actor)
    return store.orders.insert({**order, "site_id": cause.site_id}, events, cause)


def adjust_order(store: MedicationStore, cause: Cause, order_id: str, dose: str, reason: str) -> dict:
    """The order at its new dose, the change kept in its history (emits medication.order.adjusted)."""
    return _change(store, cause, order_id, lambda order, now: rules.adjust(order, dose, reason, now, cause.actor))


def discontinue_order(store: MedicationStore, cause: Cause, order_id: str, reason: str) -> dict:
    """The order stopped for good (emits medication.order.discontinued)."""
    return _change(store, cause, order_id, lambda order, now: rules.discontinue(order, reason, now, cause.actor))


def medication_list(store: MedicationStore, site_id: str, patient_id: str, with_history: bool) -> dict:
    """The patient's current orders (with ``with_history``, also the discontinued ones and every
    change); NotFound when the patient is not known at the site."""
    find_patient(store, site_id, patient_id)
    orders = store.orders.find({"site_id": site_id, "patient_id": patient_id})
    return rules.medication_list(patient_id, orders, with_history)


def _change(store: MedicationStore, cause: Cause, order_id: str,
            rule: Callable[[dict, datetime], rules.Change]) -> dict:
    now = clock.now()
    changed = store.orders.modify({"_id": order_id, "site_id": cause.site_id}, lambda order: rule(order, now), cause)
    if changed is None:
        raise NotFound(f"No order {order_id} at this site.")
    return changed
