"""A patient's medication list and adherence.

Patients are known from intake's events (services/medication/use_cases/roster.py), so a patient
registered a moment ago may not be known yet: the front-end retries.
"""
from flask_smorest import Blueprint

from services.medication.api.schemas import Adherence, AdherenceQuery, MedicationsQuery, PatientMedications
from services.medication.use_cases import check_ins, orders
from shared.http.auth import current_site_id
from shared.http.current import current_site, store

blp = Blueprint("patients", __name__, url_prefix="/v1/patients",
                description="A patient's medication list, its history, and adherence over a period.")


@blp.route("/<patient_id>/medications", methods=["GET"])
@blp.arguments(MedicationsQuery, location="query")
@blp.response(200, PatientMedications)
@blp.alt_response(404, description="No such patient at this site (or not known to medication yet).")
def patient_medications(query, patient_id):
    """The patient's current medication list; with ``include=history`` also the discontinued
    orders and every order's change history (what, when, who, why)."""
    return orders.medication_list(store(), current_site_id(), patient_id, query.get("include") == "history")


@blp.route("/<patient_id>/adherence", methods=["GET"])
@blp.arguments(AdherenceQuery, location="query")
@blp.response(200, Adherence)
@blp.alt_response(404, description="No such patient at this site (or not known to medication yet).")
def patient_adherence(query, patient_id):
    """Adherence over the check-ins from ``from`` to ``to`` (site calendar days, both included);
    by default the last 30 days including today. Partial adherence counts as half."""
    return check_ins.adherence(store(), current_site(), patient_id, query.get("start"), query.get("end"))
