"""Discharge reconciliations: made by the worker when an enrollment ends, read and printed here."""
from flask import Response
from flask_smorest import Blueprint

from services.medication.api.schemas import Reconciliation, ReconciliationQuery
from services.medication.use_cases import reconciliations
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, store
from shared.http.pagination import page_of

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
              description="A printable list for the next prescriber; it names no patient.")
def print_reconciliation(reconciliation_id):
    """The reconciliation as plain text; a leading ``*`` marks a recent start or dose change."""
    text = reconciliations.printable_list(store(), current_site_id(), reconciliation_id)
    return Response(text, mimetype="text/plain")
