"""The discharge medication reconciliation, made when an enrollment ends with any outcome.

Exactly one per enrollment however often the discharge is delivered: the unique index on
(site_id, enrollment_id) turns a redelivery into a no-op. The list is built from the patient's
orders as they are when the event is handled, which is moments after the discharge.
"""
import uuid

from pymongo.errors import DuplicateKeyError

from services.medication.domain import orders as order_rules
from services.medication.domain.reconciliation import reconcile
from services.medication.store import ORDERS, RECONCILIATIONS, order_from_document, stored_entry
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored
from shared.outbox import insert_with_events

EVENT_COMPLETED = "medication.reconciliation.completed"


def reconcile_at_discharge(event: Event, context: ServiceContext) -> None:
    payload = event.payload
    site = context.sites.get(event.site_id)
    active = context.db[ORDERS].find({"site_id": event.site_id, "patient_id": payload["patient_id"],
                                      "status": order_rules.ACTIVE})
    medications = reconcile([order_from_document(document) for document in active],
                            payload["discharge_date"], tz=site.zone)
    reconciliation_id = str(uuid.uuid4())
    document = {
        "_id": reconciliation_id,
        "site_id": event.site_id,
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "outcome": payload["outcome"],
        "discharge_date": stored(payload["discharge_date"]),
        "medications": [stored_entry(entry) for entry in medications],
        "completed_at": clock.now(),
        "caused_by": event.event_id,
    }
    completed = context.event_caused_by(event, EVENT_COMPLETED, {
        "reconciliation_id": reconciliation_id,
        "enrollment_id": document["enrollment_id"],
        "patient_id": document["patient_id"],
        "medication_count": len(medications),
    })
    try:
        insert_with_events(context.db[RECONCILIATIONS], document, [completed])
    except DuplicateKeyError:
        pass  # this enrollment's reconciliation exists: the delivery is a duplicate
