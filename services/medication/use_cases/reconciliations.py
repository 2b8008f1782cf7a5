"""The discharge medication reconciliation, made when an enrollment ends with any outcome, and its
printable list.

Exactly one per enrollment however often the discharge is delivered: its id derives from the
enrollment, and the unique index on (site_id, enrollment_id) keeps it so, which turns a
redelivery into a no-op. The list is built from the patient's orders as they are when the event
is handled, which is moments after the discharge.
"""
from collections.abc import Callable

from services.medication.domain import orders as order_rules
from services.medication.domain.reconciliation import complete_reconciliation, render_print, stopped_during_program
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


# Reads the patient's identity (from intake's API, with the caller's key): (the patient, or None
# and why it could not be read).
PatientReader = Callable[[str], tuple[dict | None, str | None]]


def printable_list(store: MedicationStore, site: Site, reconciliation_id: str,
                   read_patient: PatientReader | None = None) -> str:
    """The reconciliation as plain text for the next prescriber: the patient's identity (read by
    ``read_patient``), the site, the program and its dates, when and how it was reconciled, the
    active list, and the orders stopped during the program (from the enrollment's start, as
    medication heard of it, to the discharge day)."""
    reconciliation = store.reconciliations.find_one({"_id": reconciliation_id, "site_id": site.id})
    if reconciliation is None:
        raise NotFound(f"No reconciliation {reconciliation_id} at this site.")
    patient, missing = read_patient(reconciliation["patient_id"]) if read_patient else (None, "not read")
    enrollment = store.enrollments.find_one({"_id": reconciliation["enrollment_id"], "site_id": site.id})
    program = site.programs.get(enrollment["program"]) if enrollment else None
    start = enrollment["start_date"] if enrollment else None
    orders = store.orders.find({"site_id": site.id, "patient_id": reconciliation["patient_id"],
                                "status": order_rules.DISCONTINUED})
    stopped = stopped_during_program(orders, start, reconciliation["discharge_date"], tz=site.zone)
    return render_print(reconciliation, site_name=site.name, patient=patient, patient_missing=missing,
                        program=program.as_dict() if program else None, start_date=start, stopped=stopped,
                        tz=site.zone)
