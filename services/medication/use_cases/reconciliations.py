"""The discharge medication reconciliation, made when an enrollment ends with any outcome, and its
printable list.

Exactly one per enrollment however often the discharge is delivered: its id derives from the
enrollment, and the unique index on (site_id, enrollment_id) keeps it so, which turns a
redelivery into a no-op. The list is built from the patient's orders as they are when the event
is handled, which is moments after the discharge.
"""
from services.medication.domain import orders as order_rules
from services.medication.domain.reconciliation import complete_reconciliation, render_text
from services.medication.store import MedicationStore, reconciliation_id_for
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.sites import Site


def reconcile_at_discharge(store: MedicationStore, cause: Cause, site: Site, discharge: dict) -> bool:
    """Reconcile the patient's active orders at the end of an enrollment (``discharge``: intake's
    completed or discharged payload) and emit medication.reconciliation.completed; False when this
    enrollment's reconciliation exists already."""
    active = store.orders.find({"site_id": cause.site_id, "patient_id": discharge["patient_id"],
                                "status": order_rules.ACTIVE})
    reconciliation, events = complete_reconciliation(reconciliation_id_for(cause.site_id, discharge["enrollment_id"]),
                                                     discharge, active, clock.now(), tz=site.zone)
    return store.reconciliations.insert_once(
        {**reconciliation, "site_id": cause.site_id, "caused_by": cause.causation_id}, events, cause)


def printable_list(store: MedicationStore, site_id: str, reconciliation_id: str) -> str:
    """The reconciliation as plain text for the next prescriber; it names no patient."""
    reconciliation = store.reconciliations.find_one({"_id": reconciliation_id, "site_id": site_id})
    if reconciliation is None:
        raise NotFound(f"No reconciliation {reconciliation_id} at this site.")
    return render_text(reconciliation["medications"])
