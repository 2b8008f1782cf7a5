"""Patients: registration, demographics, lookup by MRN or name prefix."""
import re
import uuid

from flask_smorest import Blueprint
from pymongo.errors import DuplicateKeyError

from services.intake.api.schemas import Patient, PatientCreate, PatientQuery, PatientUpdate
from services.intake.store import PATIENTS
from shared import clock
from shared.errors import Conflict, Invalid, NotFound
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, find_at_site, request_event
from shared.http.fields import stored
from shared.http.pagination import page_of
from shared.outbox import insert_with_events, modify

blp = Blueprint("patients", __name__, url_prefix="/v1/patients", description="Patients of the caller's site.")


def require_patient(patient_id: str) -> None:
    """For request bodies: an unknown patient is an invalid field (422), not a missing resource."""
    try:
        find_at_site(PATIENTS, patient_id, "patient")
    except NotFound:
        raise Invalid({"patient_id": ["No such patient at this site."]}) from None


@blp.route("", methods=["POST"])
@blp.arguments(PatientCreate)
@blp.response(201, Patient)
@blp.alt_response(409, description="The MRN is already used at this site.")
def register_patient(fields):
    """Register a patient (emits intake.patient.registered)."""
    try:
        return register(fields)
    except DuplicateKeyError:
        raise Conflict(f"MRN {fields['mrn']} is already registered at this site.") from None


def register(fields: dict) -> dict:
    """Insert a patient at the caller's site with its registration event; a taken MRN raises
    DuplicateKeyError, which each caller answers in its own way (409, or linking a referral)."""
    site_id, now = current_site_id(), clock.now()
    patient_id = str(uuid.uuid4())
    document = {
        "_id": patient_id,
        "site_id": site_id,
        **fields,
        "birth_date": stored(fields["birth_date"]),
        "family_name_folded": fields["family_name"].casefold(),
        "created_at": now,
        "created_by": actor(),
    }
    return insert_with_events(collection(PATIENTS), document,
                              [request_event("intake.patient.registered", {"patient_id": patient_id})])


def find_patient_by_mrn(mrn: str) -> dict | None:
    return collection(PATIENTS).find_one({"site_id": current_site_id(), "mrn": mrn})


@blp.route("", methods=["GET"])
@blp.arguments(PatientQuery, location="query")
@blp.response(200, Patient(many=True))
@blp.paginate()
def list_patients(query, pagination_parameters):
    """List the site's patients, optionally by exact MRN or family-name prefix."""
    selector = {"site_id": current_site_id()}
    if "mrn" in query:
        selector["mrn"] = query["mrn"]
    if "name" in query:
        selector["family_name_folded"] = {"$regex": "^" + re.escape(query["name"].casefold())}
    return page_of(collection(PATIENTS), selector, [("family_name_folded", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<patient_id>", methods=["GET"])
@blp.response(200, Patient)
def get_patient(patient_id):
    """One patient of the caller's site (another site's patient is a 404)."""
    return find_at_site(PATIENTS, patient_id, "patient")


@blp.route("/<patient_id>", methods=["PATCH"])
@blp.arguments(PatientUpdate)
@blp.response(200, Patient)
def update_patient(changes, patient_id):
    """Update demographics; the MRN stays unique at the site."""
    find_at_site(PATIENTS, patient_id, "patient")
    if "birth_date" in changes:
        changes["birth_date"] = stored(changes["birth_date"])
    if "family_name" in changes:
        changes["family_name_folded"] = changes["family_name"].casefold()
    changes["updated_at"] = clock.now()
    try:
        return modify(collection(PATIENTS), {"_id": patient_id, "site_id": current_site_id()}, lambda patient: (changes, []))
    except DuplicateKeyError:
        raise Conflict(f"MRN {changes['mrn']} is already registered at this site.") from None
