"""Patients: registration, demographics, lookup by MRN or name prefix."""
from flask_smorest import Blueprint

from services.intake.api.schemas import (
    PATIENT_UPDATE_RULES,
    Patient,
    PatientCreate,
    PatientQuery,
    PatientUpdate,
    body_rules,
)
from services.intake.use_cases import patients
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("patients", __name__, url_prefix="/v1/patients", description="Patients of the caller's site.")


@blp.route("", methods=["POST"])
@blp.arguments(PatientCreate)
@blp.response(201, Patient)
@blp.alt_response(409, description="The MRN is already used at this site.")
@blp.alt_response(422, description="Invalid fields, e.g. a `birth_date` after today.")
def register_patient(fields):
    """Register a patient (emits intake.patient.registered)."""
    return patients.register(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(PatientQuery, location="query")
@blp.response(200, Patient(many=True))
@blp.paginate()
def list_patients(query, pagination_parameters):
    """List the site's patients, optionally by exact MRN or family-name prefix."""
    selector = patients.matching(current_site_id(), query.get("mrn"), query.get("name"))
    return page_of(store().patients, selector, [("family_name_folded", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<patient_id>", methods=["GET"])
@blp.response(200, Patient)
def get_patient(patient_id):
    """One patient of the caller's site (another site's patient is a 404)."""
    return find_at_site(store().patients, patient_id, "patient")


@blp.route("/<patient_id>", methods=["PATCH"])
@blp.arguments(PatientUpdate)
@blp.doc(**body_rules(PatientUpdate, **PATIENT_UPDATE_RULES))
@blp.response(200, Patient)
@blp.alt_response(409, description="The new MRN is already used at this site.")
@blp.alt_response(422, description="No field to change (`_request`), or invalid fields, e.g. a `birth_date` "
                                   "after today.")
def update_patient(changes, patient_id):
    """Update demographics; the MRN stays unique at the site."""
    return patients.update(store(), request_cause(), patient_id, changes)
