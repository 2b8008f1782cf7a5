"""Registering patients, changing their demographics, and finding them for other use cases."""
import uuid

from pymongo.errors import DuplicateKeyError

from services.intake.domain import patients as rules
from services.intake.store import IntakeStore
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, Invalid, NotFound


def register(store: IntakeStore, cause: Cause, fields: dict) -> dict:
    """Register a patient at the cause's site (emits intake.patient.registered).
    ``Conflict`` when the MRN is already registered at the site."""
    try:
        return _insert(store, cause, fields)
    except DuplicateKeyError:
        raise Conflict(f"MRN {fields['mrn']} is already registered at this site.") from None


def _insert(store: IntakeStore, cause: Cause, fields: dict) -> dict:
    """Insert the patient; a taken MRN raises DuplicateKeyError, which each caller answers its own way."""
    patient_id = str(uuid.uuid4())
    document = {
        "_id": patient_id,
        "site_id": cause.site_id,
        **fields,
        "family_name_folded": rules.folded_name(fields["family_name"]),
        "created_at": clock.now(),
        "created_by": cause.actor,
    }
    return store.patients.insert(document, [rules.register(patient_id)], cause)


def find_or_register(store: IntakeStore, cause: Cause, person: dict) -> dict:
    """The patient registered under ``person["mrn"]`` at the site, or ``person`` newly registered.
    Found again rather than duplicated when registered in the meantime (a concurrent or retried
    acceptance)."""
    existing = _by_mrn(store, cause.site_id, person["mrn"])
    if existing is not None:
        return existing
    try:
        return _insert(store, cause, person)
    except DuplicateKeyError:
        return _by_mrn(store, cause.site_id, person["mrn"])


def _by_mrn(store: IntakeStore, site_id: str, mrn: str) -> dict | None:
    return store.patients.find_one({"site_id": site_id, "mrn": mrn})


def update(store: IntakeStore, cause: Cause, patient_id: str, changes: dict) -> dict:
    """Change demographics. ``NotFound`` for no such patient at the site; ``Conflict`` when a new
    MRN is already registered at the site."""
    changes = {**changes, "updated_at": clock.now()}
    if "family_name" in changes:
        changes["family_name_folded"] = rules.folded_name(changes["family_name"])
    try:
        patient = store.patients.modify({"_id": patient_id, "site_id": cause.site_id}, lambda _: (changes, []), cause)
    except DuplicateKeyError:
        raise Conflict(f"MRN {changes['mrn']} is already registered at this site.") from None
    if patient is None:
        raise NotFound(f"No patient {patient_id} at this site.")
    return patient


def matching(site_id: str, mrn: str | None = None, name: str | None = None) -> dict:
    """The query of the site's patients with this exact MRN and this family-name prefix (either
    may be None), the prefix matched literally and without regard to case."""
    query: dict = {"site_id": site_id}
    if mrn is not None:
        query["mrn"] = mrn
    if name is not None:
        query["family_name_folded"] = rules.starting_with(rules.folded_name(name))
    return query


def exists(store: IntakeStore, site_id: str, patient_id: str) -> bool:
    return store.patients.find_one({"_id": patient_id, "site_id": site_id}, {"_id": 1}) is not None


def require_patient(store: IntakeStore, site_id: str, patient_id: str) -> None:
    """For request bodies: an unknown patient is an invalid field (422), not a missing resource."""
    if not exists(store, site_id, patient_id):
        raise Invalid({"patient_id": ["No such patient at this site."]})
