"""Measurement-based care: assessments scored on the server, and progress against the baseline.

An assessment is immutable once recorded: a mistaken one is followed by a new one, so that the
history a clinician saw stays the history. Scoring fails before anything is written, so a bad
item count or range stores nothing and emits nothing.
"""
import uuid

from services.intake.domain import assessments as rules
from services.intake.domain.enrollments import current_enrollment
from services.intake.domain.site_settings import settings_for
from services.intake.store import IntakeStore
from services.intake.use_cases import patients
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site


def record(store: IntakeStore, cause: Cause, patient_id: str, fields: dict) -> dict:
    """Score and record an assessment of a patient (emits intake.assessment.recorded, and
    intake.risk.flagged when a risk flag is raised, in the same write).

    ``fields`` are those of ``AssessmentCreate``. ``NotFound`` for no such patient at the site;
    ``Invalid`` for a wrong item count or item, or an enrollment that is not the patient's."""
    _require_patient(store, cause.site_id, patient_id)
    now, assessment_id, enrollment_id = clock.now(), str(uuid.uuid4()), fields.get("enrollment_id")
    score, events = rules.record(assessment_id, patient_id, enrollment_id, fields["instrument"], fields["item_scores"])
    if enrollment_id is not None and store.enrollments.find_one(
            {"_id": enrollment_id, "site_id": cause.site_id, "patient_id": patient_id}, {"_id": 1}) is None:
        raise Invalid({"enrollment_id": ["No enrollment of this patient at this site."]})
    document = {
        "_id": assessment_id,
        "site_id": cause.site_id,
        "patient_id": patient_id,
        "enrollment_id": enrollment_id,
        "instrument": score.instrument,
        "item_scores": list(fields["item_scores"]),
        "total_score": score.total_score,
        "severity": score.severity,
        "risk_flags": score.risk_flags,
        "risk_level": score.risk_level,
        "administered_at": fields.get("administered_at", now),
        "recorded_at": now,
        "recorded_by": cause.actor,
    }
    return store.assessments.insert(document, events, cause)


def summarize(store: IntakeStore, site: Site, patient_id: str) -> dict:
    """Progress per instrument in the current episode: the baseline (an evaluation within the site's
    ``baseline_window_days`` before admission, else the first assessment of the enrollment), the
    latest, their change, and response and remission where they apply (PHQ-9: baseline 10 or more).
    The current enrollment is the active one, else the last one; days are the site's days.
    ``NotFound`` for no such patient at the site."""
    _require_patient(store, site.id, patient_id)
    about_patient = {"site_id": site.id, "patient_id": patient_id}
    enrollment = current_enrollment(store.enrollments.find(
        about_patient, projection={"status": 1, "start_date": 1, "discharge": 1}))
    episode = episode_of(site, enrollment)
    history = store.assessments.find(about_patient, projection={"instrument": 1, "total_score": 1,
                                                                "administered_at": 1, "enrollment_id": 1})
    return {
        "patient_id": patient_id,
        "enrollment_id": enrollment["_id"] if enrollment else None,
        "enrollment_start_date": episode.start if episode else None,
        "baseline_window_days": settings_for(site).baseline_window_days,
        "instruments": rules.summarize_history(history, episode, site.zone),
    }


def episode_of(site: Site, enrollment: dict | None) -> rules.Episode | None:
    """The episode an enrollment (``{_id, start_date, discharge}``) measures progress in."""
    if enrollment is None:
        return None
    ended = enrollment.get("discharge")
    return rules.Episode(enrollment["_id"], enrollment["start_date"], ended["date"] if ended else None,
                         settings_for(site).baseline_window_days)


def _require_patient(store: IntakeStore, site_id: str, patient_id: str) -> None:
    """For a patient named in the path: an unknown one is a missing resource (404)."""
    if not patients.exists(store, site_id, patient_id):
        raise NotFound(f"No patient {patient_id} at this site.")
