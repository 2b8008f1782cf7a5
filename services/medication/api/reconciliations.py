"""Discharge reconciliations: made by the worker when an enrollment ends, read and printed here.

The printed list names the patient: their identity is read from intake's API at print time, with
the caller's own key, through the gateway (:mod:`shared.http.other_services`: ``IOP_GATEWAY_URL``,
short timeouts). When intake cannot be read the list still prints, saying so in place of the name.
"""
from flask import Response
from flask_smorest import Blueprint

from services.medication.api.schemas import Reconciliation, ReconciliationQuery
from services.medication.use_cases import reconciliations
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, store
from shared.http.other_services import callers_gateway
from shared.http.pagination import page_of

PATIENT_FIELDS = ("mrn", "given_name", "family_name", "birth_date")

blp = Blueprint("reconciliations", __name__, url_prefix="/v1/reconciliations",
                description="The active medication list handed to the next prescriber at discharge, "
                            "one per enrollment.")


@blp.route("", methods=["GET"])
@blp.arguments(ReconciliationQuery, location="query")
@blp.response(200, Reconciliation(many=True))
@blp.paginate()
def list_reconciliations(query, pagination_parameters):
    """The site's reconciliations; with ``enrollment_id`` at most one. It appears moments after the
    discharge, once the worker has handled intake's event: poll until it does."""
    return page_of(store().reconciliations, {"site_id": current_site_id(), **query},
                   [("completed_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<reconciliation_id>", methods=["GET"])
@blp.response(200, Reconciliation)
def get_reconciliation(reconciliation_id):
    """One reconciliation: every order active at discharge at its current dose, recent changes marked."""
    return find_at_site(store().reconciliations, reconciliation_id, "reconciliation")


@blp.route("/<reconciliation_id>/print", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="text/plain",
              description="A printable list for the next prescriber, naming the patient.")
@blp.alt_response(404, description="No such reconciliation at this site.")
def print_reconciliation(reconciliation_id):
    """The reconciliation as plain text for the next prescriber: the patient (name, birth date, MRN,
    read from intake with your key), the site, the program and its dates, the discharge, when and
    how it was reconciled, the active medications (a leading ``*`` marks a recent start or dose
    change) and those stopped during the program; for a substance-use program the 42 CFR part 2
    notice. To give it to another provider, use aftercare's medication list
    (``GET /aftercare/v1/referrals/{id}/packet?view=medication_list``), which checks the Part 2
    consent and records the disclosure."""
    text = reconciliations.printable_list(store(), current_site(), reconciliation_id, read_patient=_intake_patient)
    return Response(text, mimetype="text/plain")


def _intake_patient(patient_id: str) -> tuple[dict | None, str | None]:
    """The patient as intake answers the caller, or None and why not (never the answer's body)."""
    read = callers_gateway().read(f"/intake/v1/patients/{patient_id}")
    if not read.ok:
        return None, read.failure
    return {key: read.answer.get(key) for key in PATIENT_FIELDS}, None
