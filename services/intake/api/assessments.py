"""Measurement-based care: assessments scored on the server, and progress against the baseline."""
from flask_smorest import Blueprint

from services.intake.api.schemas import (
    ASSESSMENT_CREATE_RULES,
    Assessment,
    AssessmentCreate,
    AssessmentQuery,
    AssessmentSummary,
    body_rules,
)
from services.intake.use_cases import assessments
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("assessments", __name__, url_prefix="/v1/patients",
                description="PHQ-9, GAD-7, C-SSRS screener, PCL-5 and AUDIT assessments of a patient, scored on "
                            "the server, and progress in the episode.")


@blp.route("/<patient_id>/assessments", methods=["POST"])
@blp.arguments(AssessmentCreate)
@blp.doc(**body_rules(AssessmentCreate, **ASSESSMENT_CREATE_RULES))
@blp.response(201, Assessment)
@blp.alt_response(422, description="Invalid fields: a wrong item count or an answer outside the item's choices "
                                   "(e.g. AUDIT items 9-10: 0, 2 or 4), an `administered_at` in the future, or an "
                                   "`enrollment_id` that is not this patient's.")
def record_assessment(fields, patient_id):
    """Score and record an assessment (emits intake.assessment.recorded, and intake.risk.flagged
    when a risk flag is raised, in the same write: PHQ-9 item 9 above 0, or a C-SSRS screen of
    moderate or high risk, whose `risk_level` the event and the answer carry). A wrong item count or
    an answer outside the item's choices is a 422 and nothing is stored."""
    return assessments.record(store(), request_cause(), patient_id, fields)


@blp.route("/<patient_id>/assessments", methods=["GET"])
@blp.arguments(AssessmentQuery, location="query")
@blp.response(200, Assessment(many=True))
@blp.paginate()
def list_assessments(query, patient_id, pagination_parameters):
    """The patient's assessments, most recently administered first, optionally of one instrument."""
    find_at_site(store().patients, patient_id, "patient")
    selector = {"site_id": current_site_id(), "patient_id": patient_id, **query}
    return page_of(store().assessments, selector, [("administered_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<patient_id>/assessments/summary", methods=["GET"])
@blp.response(200, AssessmentSummary)
def summarize_assessments(patient_id):
    """Progress per instrument in the current episode: the baseline (an evaluation within the site's
    `baseline_window_days` before admission, else the first assessment of the enrollment), the
    latest, their change, response (a drop of 50% or more) and remission (latest below 5). For PHQ-9
    these are reported only from a baseline of 10 or more (NQF 0710, HEDIS DRR-E); otherwise they are
    null and `not_applicable_reason` says why. The C-SSRS (a screen) is not summarised.

    The current enrollment is the active one, else the last one; days are the site's days."""
    return assessments.summarize(store(), current_site(), patient_id)
