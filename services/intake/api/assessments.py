"""Measurement-based care: assessments scored on the server, and progress against the baseline.

An assessment is immutable once recorded: a mistaken one is followed by a new one, so that the
history a clinician saw stays the history. Scoring fails before anything is written, so a bad
item count or range stores nothing and emits nothing.
"""
import uuid
from datetime import date, timezone

from flask_smorest import Blueprint

from services.intake.api.schemas import Assessment, AssessmentCreate, AssessmentQuery, AssessmentSummary
from services.intake.domain import assessments as rules
from services.intake.domain.enrollments import current_enrollment
from services.intake.store import ASSESSMENTS, ENROLLMENTS, PATIENTS
from shared import clock
from shared.errors import Invalid
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, current_site, find_at_site, request_event
from shared.http.pagination import page_of
from shared.outbox import insert_with_events

blp = Blueprint("assessments", __name__, url_prefix="/v1/patients",
                description="PHQ-9 and GAD-7 assessments of a patient, scored on the server, and progress.")


@blp.route("/<patient_id>/assessments", methods=["POST"])
@blp.arguments(AssessmentCreate)
@blp.response(201, Assessment)
def record_assessment(fields, patient_id):
    """Score and record an assessment (emits intake.assessment.recorded, and intake.risk.flagged
    when a risk flag is raised, in the same write). A wrong item count or an item outside 0-3
    is a 422 and nothing is stored."""
    site_id, now = current_site_id(), clock.now()
    find_at_site(PATIENTS, patient_id, "patient")
    score = rules.score(fields["instrument"], fields["item_scores"])
    enrollment_id = fields.get("enrollment_id")
    if enrollment_id is not None and collection(ENROLLMENTS).find_one(
            {"_id": enrollment_id, "site_id": site_id, "patient_id": patient_id}) is None:
        raise Invalid({"enrollment_id": ["No enrollment of this patient at this site."]})

    assessment_id = str(uuid.uuid4())
    document = {
        "_id": assessment_id,
        "site_id": site_id,
        "patient_id": patient_id,
        "enrollment_id": enrollment_id,
        "instrument": score.instrument,
        "item_scores": list(fields["item_scores"]),
        "total_score": score.total_score,
        "severity": score.severity,
        "risk_flags": score.risk_flags,
        "administered_at": fields.get("administered_at", now).astimezone(timezone.utc),
        "recorded_at": now,
        "recorded_by": actor(),
    }
    ids = {"assessment_id": assessment_id, "patient_id": patient_id, "enrollment_id": enrollment_id,
           "instrument": score.instrument}
    events = [request_event("intake.assessment.recorded", {
        **ids, "total_score": score.total_score, "severity": score.severity, "risk_flags": score.risk_flags,
    })]
    if score.risk_flags:
        events.append(request_event("intake.risk.flagged", {**ids, "risk_flags": score.risk_flags}))
    return insert_with_events(collection(ASSESSMENTS), document, events)


@blp.route("/<patient_id>/assessments", methods=["GET"])
@blp.arguments(AssessmentQuery, location="query")
@blp.response(200, Assessment(many=True))
@blp.paginate()
def list_assessments(query, patient_id, pagination_parameters):
    """The patient's assessments, most recently administered first, optionally of one instrument."""
    find_at_site(PATIENTS, patient_id, "patient")
    selector = {"site_id": current_site_id(), "patient_id": patient_id, **query}
    return page_of(collection(ASSESSMENTS), selector, [("administered_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<patient_id>/assessments/summary", methods=["GET"])
@blp.response(200, AssessmentSummary)
def summarize_assessments(patient_id):
    """Progress per instrument: the baseline (first assessment of the current enrollment), the
    latest, their change, response (a drop of 50% or more) and remission (latest below 5).

    The current enrollment is the active one, else the last one; days are the site's days."""
    site_id = current_site_id()
    find_at_site(PATIENTS, patient_id, "patient")
    enrollment = current_enrollment(collection(ENROLLMENTS).find(
        {"site_id": site_id, "patient_id": patient_id}, {"status": 1, "start_date": 1}))
    start = date.fromisoformat(enrollment["start_date"]) if enrollment else None
    history = collection(ASSESSMENTS).find({"site_id": site_id, "patient_id": patient_id},
                                      {"instrument": 1, "total_score": 1, "administered_at": 1})
    zone = current_site().zone
    return {
        "patient_id": patient_id,
        "enrollment_id": enrollment["_id"] if enrollment else None,
        "enrollment_start_date": enrollment["start_date"] if enrollment else None,
        "instruments": rules.summarize_history(history, start, zone),
    }
