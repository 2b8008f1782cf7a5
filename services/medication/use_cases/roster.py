"""What medication knows of intake's patients and enrollments, learned from intake's events.

Orders and check-ins must name a patient of the caller's site; the service never reads intake's
database (ARCHITECTURE.md §1), so it keeps its own ``patients`` collection, filled from
``intake.patient.registered`` (and from ``intake.enrollment.admitted``, which also proves that the
patient exists, in case the two events arrive out of order). A patient registered a moment ago
may not be known here yet: the API refuses the order and the front-end retries.
"""
from datetime import datetime

from services.medication.store import MedicationStore
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound

UNKNOWN_PATIENT = ("No such patient at this site. A patient registered a moment ago may not be known to "
                   "the medication service yet; retry shortly.")


def record_patient(store: MedicationStore, cause: Cause, patient_id: str) -> bool:
    """Remember that the patient exists at the cause's site; False when already known (a
    redelivery, or the other event told us first)."""
    return store.patients.insert_once({"_id": patient_id, "site_id": cause.site_id, "known_since": clock.now(),
                                       "caused_by": cause.causation_id})


def record_enrollment(store: MedicationStore, cause: Cause, admission: dict, admitted_at: datetime) -> bool:
    """Remember the enrollment (and through it the patient) under its natural key, its id."""
    record_patient(store, cause, admission["patient_id"])
    return store.enrollments.insert_once({
        "_id": admission["enrollment_id"],
        "site_id": cause.site_id,
        "patient_id": admission["patient_id"],
        "program": admission["program"],
        "start_date": admission["start_date"],
        "planned_end_date": admission["planned_end_date"],
        "admitted_at": admitted_at,
        "caused_by": cause.causation_id,
    })


def find_patient(store: MedicationStore, site_id: str, patient_id: str) -> dict:
    """The patient as known at the site; another site's patient is NotFound like an unknown one."""
    patient = store.patients.find_one({"_id": patient_id, "site_id": site_id})
    if patient is None:
        raise NotFound(UNKNOWN_PATIENT)
    return patient


def require_patient(store: MedicationStore, site_id: str, patient_id: str) -> None:
    """For a request body naming a patient: an unknown one is an invalid field (422), not a missing resource."""
    try:
        find_patient(store, site_id, patient_id)
    except NotFound:
        raise Invalid({"patient_id": [UNKNOWN_PATIENT]}) from None
