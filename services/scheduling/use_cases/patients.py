"""The site's patients as scheduling knows them: from intake's registrations and admissions, ids
only. Staff book appointments, and open calendar links, for a patient of the site and no other."""
from services.scheduling.store import SchedulingStore, patient_document_id
from shared import clock
from shared.cause import Cause
from shared.sites import Site


def record_patient(store: SchedulingStore, cause: Cause, site: Site, registration: dict) -> None:
    """intake.patient.registered (``registration``: its payload): remember the patient at the site;
    a redelivery finds the record and adds nothing."""
    store.patients.insert_once({"_id": patient_document_id(site.id, registration["patient_id"]), "site_id": site.id,
                                "patient_id": registration["patient_id"], "registered_at": clock.now()})


def is_patient_of_site(store: SchedulingStore, site: Site, patient_id: str) -> bool:
    """Registered at the site, or admitted there (a patient registered before scheduling kept patients)."""
    query = {"site_id": site.id, "patient_id": patient_id}
    return (store.patients.find_one(query, projection={"_id": 1}) is not None
            or store.schedules.find_one(query, projection={"_id": 1}) is not None)
