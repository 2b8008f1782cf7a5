"""What medication knows of intake's patients and enrollments, learned from intake's events.

Orders and check-ins must name a patient of the caller's site; the service never reads intake's
database (ARCHITECTURE.md §1), so it keeps its own ``patients`` collection, filled from
``intake.patient.registered`` (and from ``intake.enrollment.admitted``, which also proves that the
patient exists, in case the two events arrive out of order). A patient registered a moment ago
may not be known here yet: the API refuses the order and the front-end retries.
"""

from pymongo.errors import DuplicateKeyError

from services.medication.store import ENROLLMENTS, PATIENTS
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored


def record_patient(event: Event, context: ServiceContext) -> None:
    """Remember that the patient exists at the event's site; a redelivery changes nothing."""
    _remember_patient(context, event.payload["patient_id"], event.site_id, event.event_id)


def record_enrollment(event: Event, context: ServiceContext) -> None:
    """Remember the enrollment (and through it the patient) under its natural key, its id."""
    payload = event.payload
    _remember_patient(context, payload["patient_id"], event.site_id, event.event_id)
    _insert_once(context.db[ENROLLMENTS], {
        "_id": payload["enrollment_id"],
        "site_id": event.site_id,
        "patient_id": payload["patient_id"],
        "program": payload["program"],
        "start_date": stored(payload["start_date"]),
        "planned_end_date": stored(payload["planned_end_date"]),
        "admitted_at": event.occurred_at,
        "caused_by": event.event_id,
    })


def _remember_patient(context: ServiceContext, patient_id: str, site_id: str, event_id: str) -> None:
    _insert_once(context.db[PATIENTS], {"_id": patient_id, "site_id": site_id,
                                        "known_since": clock.now(), "caused_by": event_id})


def _insert_once(collection, document: dict) -> None:
    try:
        collection.insert_one(document)
    except DuplicateKeyError:
        pass  # already known: this delivery is a duplicate, or the other event told us first
