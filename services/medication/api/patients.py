"""A patient's medication list and adherence, and the check that a patient belongs to the site.

Patients are known from intake's events (services/medication/roster.py), so a patient registered a
moment ago may not be known yet: the front-end retries.
"""
from datetime import datetime, time, timedelta

from flask_smorest import Blueprint

from services.medication.api.schemas import Adherence, AdherenceQuery, MedicationsQuery, PatientMedications
from services.medication.domain import orders as order_rules
from services.medication.domain.check_ins import adherence_rate
from services.medication.store import CHECK_INS, ORDERS, PATIENTS
from shared.errors import Invalid, NotFound
from shared.http.auth import current_site_id
from shared.http.current import collection, current_site

blp = Blueprint("patients", __name__, url_prefix="/v1/patients",
                description="A patient's medication list, its history, and adherence over a period.")

UNKNOWN_PATIENT = ("No such patient at this site. A patient registered a moment ago may not be known to "
                   "the medication service yet; retry shortly.")
DEFAULT_ADHERENCE_DAYS = 30


def find_patient(patient_id: str) -> dict:
    """The patient as known at the caller's site; another site's patient is a 404 like an unknown one."""
    patient = collection(PATIENTS).find_one({"_id": patient_id, "site_id": current_site_id()})
    if patient is None:
        raise NotFound(UNKNOWN_PATIENT)
    return patient


def require_patient(patient_id: str) -> None:
    """For request bodies: an unknown patient is an invalid field (422), not a missing resource."""
    try:
        find_patient(patient_id)
    except NotFound:
        raise Invalid({"patient_id": [UNKNOWN_PATIENT]}) from None


@blp.route("/<patient_id>/medications", methods=["GET"])
@blp.arguments(MedicationsQuery, location="query")
@blp.response(200, PatientMedications)
@blp.alt_response(404, description="No such patient at this site (or not known to medication yet).")
def patient_medications(query, patient_id):
    """The patient's current medication list; with ``include=history`` also the discontinued
    orders and every order's change history (what, when, who, why)."""
    find_patient(patient_id)
    with_history = query.get("include") == "history"
    orders = collection(ORDERS).find({"site_id": current_site_id(), "patient_id": patient_id})
    by_name = sorted(orders, key=lambda order: (order["medication"].casefold(), order["start_date"], order["_id"]))
    if not with_history:
        by_name = [{key: value for key, value in order.items() if key != "history"} for order in by_name]
    answer = {"patient_id": patient_id,
              "current": [order for order in by_name if order["status"] == order_rules.ACTIVE]}
    if with_history:
        answer["discontinued"] = [order for order in by_name if order["status"] == order_rules.DISCONTINUED]
    return answer


@blp.route("/<patient_id>/adherence", methods=["GET"])
@blp.arguments(AdherenceQuery, location="query")
@blp.response(200, Adherence)
@blp.alt_response(404, description="No such patient at this site (or not known to medication yet).")
def patient_adherence(query, patient_id):
    """Adherence over the check-ins from ``from`` to ``to`` (site calendar days, both included);
    by default the last 30 days including today. Partial adherence counts as half."""
    find_patient(patient_id)
    site = current_site()
    end = query.get("end", site.today())
    start = query.get("start", end - timedelta(days=DEFAULT_ADHERENCE_DAYS - 1))
    if start > end:
        raise Invalid({"from": ["Must not be after 'to'."]})
    # The period's first and last instants at the site; the domain then counts by the site's calendar day.
    since = datetime.combine(start, time(), tzinfo=site.zone)
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=site.zone)
    check_ins = collection(CHECK_INS).find({"site_id": site.id, "patient_id": patient_id,
                                            "checked_in_at": {"$gte": since, "$lt": until}})
    return {"patient_id": patient_id, "start": start, "end": end,
            **adherence_rate(list(check_ins), start, end, tz=site.zone)}
