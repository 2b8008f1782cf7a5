"""Recording assessments and summarising progress, on the in-memory store."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from services.intake.store import ASSESSMENTS
from services.intake.use_cases import assessments
from shared.errors import Invalid, NotFound
from tests.unit.intake.support import NOW, START, admit, events, register

MODERATE_PHQ9 = [2, 2, 1, 2, 1, 1, 2, 1, 0]  # 12, item 9 at 0
FLAGGED_PHQ9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # 1, item 9 above 0


def record(store, cause, patient_id, items=MODERATE_PHQ9, instrument="PHQ-9", **fields):
    return assessments.record(store, cause, patient_id, {"instrument": instrument, "item_scores": items, **fields})


def test_an_assessment_is_stored_with_the_servers_score(store, cause):
    patient_id = register(store, cause)["_id"]
    assessment = record(store, cause, patient_id)
    stored = store.assessments.find_one({"_id": assessment["_id"]})
    assert (stored["total_score"], stored["severity"], stored["risk_flags"], stored["administered_at"],
            stored["recorded_by"]) == (12, "moderate", [], NOW, "clinician-key")


def test_an_assessment_emits_recorded_and_no_risk_event_without_a_flag(store, cause):
    patient_id = register(store, cause)["_id"]
    assessment = record(store, cause, patient_id)
    [event] = events(store, ASSESSMENTS)
    assert (event["event_type"], event["payload"]) == ("intake.assessment.recorded", {
        "assessment_id": assessment["_id"], "patient_id": patient_id, "enrollment_id": None, "instrument": "PHQ-9",
        "total_score": 12, "severity": "moderate", "risk_flags": []})


def test_a_risk_flag_is_stored_and_emitted_with_the_assessment_in_one_document(store, cause):
    patient_id = register(store, cause)["_id"]
    assessment = record(store, cause, patient_id, FLAGGED_PHQ9)
    outbox = store.db[ASSESSMENTS].find_one({"_id": assessment["_id"]})["outbox"].values()
    assert assessment["risk_flags"] == ["suicidal_ideation"]
    assert sorted((event["event_type"], tuple(event["payload"]["risk_flags"])) for event in outbox) == [
        ("intake.assessment.recorded", ("suicidal_ideation",)), ("intake.risk.flagged", ("suicidal_ideation",))]


def test_an_administration_time_given_in_another_zone_is_kept_as_the_same_instant(store, cause):
    patient_id = register(store, cause)["_id"]
    given = datetime.fromisoformat("2026-11-02T09:30:00-06:00")
    stored = record(store, cause, patient_id, administered_at=given)
    assert stored["administered_at"] == datetime(2026, 11, 2, 15, 30, tzinfo=timezone.utc)


def test_a_wrong_item_count_stores_nothing_and_emits_nothing(store, cause):
    patient_id = register(store, cause)["_id"]
    with pytest.raises(Invalid) as caught:
        record(store, cause, patient_id, MODERATE_PHQ9[:8])
    assert list(caught.value.errors) == ["item_scores"]
    assert (store.assessments.count({}), events(store, ASSESSMENTS)) == (0, [])


def test_an_enrollment_of_another_patient_is_invalid_on_enrollment_id(store, cause):
    someone_else = admit(store, cause, register(store, cause, mrn="MRN-2")["_id"])
    with pytest.raises(Invalid) as caught:
        record(store, cause, register(store, cause)["_id"], enrollment_id=someone_else["_id"])
    assert list(caught.value.errors) == ["enrollment_id"]
    assert store.assessments.count({}) == 0


def test_assessing_another_sites_patient_is_not_found(store, cause, other_site_cause):
    patient_id = register(store, cause)["_id"]
    with pytest.raises(NotFound):
        record(store, other_site_cause, patient_id)


def test_the_summary_measures_progress_from_the_first_assessment_of_the_current_enrollment(store, cause, site):
    patient_id = register(store, cause)["_id"]
    # 2026-09-20 lies outside the 30 days before admission: an earlier episode's.
    record(store, cause, patient_id, [3] * 8 + [0], administered_at=datetime(2026, 9, 20, 15, tzinfo=timezone.utc))
    enrollment = admit(store, cause, patient_id)
    record(store, cause, patient_id, [2] * 9, administered_at=datetime(2026, 11, 3, 15, tzinfo=timezone.utc))
    record(store, cause, patient_id, [1] * 8 + [0], administered_at=datetime(2026, 11, 20, 15, tzinfo=timezone.utc))
    summary = assessments.summarize(store, site, patient_id)
    assert (summary["enrollment_id"], summary["enrollment_start_date"]) == (enrollment["_id"], START)
    [phq9] = summary["instruments"]
    assert (phq9["baseline"], phq9["latest"], phq9["response"], phq9["count"]) == (18, 8, True, 3)
    assert (phq9["baseline_source"], summary["baseline_window_days"]) == ("enrollment", 30)


def test_an_evaluation_within_the_sites_window_before_admission_is_the_episodes_baseline(store, cause, site):
    patient_id = register(store, cause)["_id"]
    record(store, cause, patient_id, [2] * 9, administered_at=datetime(2026, 10, 20, 15, tzinfo=timezone.utc))
    admit(store, cause, patient_id)
    record(store, cause, patient_id, [1] * 8 + [0], administered_at=datetime(2026, 11, 20, 15, tzinfo=timezone.utc))
    [phq9] = assessments.summarize(store, site, patient_id)["instruments"]
    assert (phq9["baseline"], phq9["baseline_source"], phq9["response"]) == (18, "pre_admission_evaluation", True)


def test_a_site_with_a_shorter_window_measures_from_the_enrollments_first_assessment(store, cause, site):
    patient_id = register(store, cause)["_id"]
    record(store, cause, patient_id, [2] * 9, administered_at=datetime(2026, 10, 20, 15, tzinfo=timezone.utc))
    admit(store, cause, patient_id)
    record(store, cause, patient_id, [1] * 8 + [0], administered_at=datetime(2026, 11, 20, 15, tzinfo=timezone.utc))
    narrow = replace(site, options={**site.options, "intake": {"baseline_window_days": 7}})
    [phq9] = assessments.summarize(store, narrow, patient_id)["instruments"]
    assert (phq9["baseline"], phq9["baseline_source"]) == (8, "enrollment")


def test_a_summary_from_a_baseline_phq9_below_10_reports_no_response_and_says_why(store, cause, site):
    patient_id = register(store, cause)["_id"]
    admit(store, cause, patient_id)
    record(store, cause, patient_id, [1] * 8 + [0], administered_at=datetime(2026, 11, 3, 15, tzinfo=timezone.utc))
    record(store, cause, patient_id, [0] * 9, administered_at=datetime(2026, 11, 20, 15, tzinfo=timezone.utc))
    [phq9] = assessments.summarize(store, site, patient_id)["instruments"]
    assert (phq9["response"], phq9["remission"], phq9["not_applicable_reason"]) == (
        None, None, "baseline PHQ-9 below 10")


def test_a_cssrs_screen_is_stored_with_its_risk_level_and_a_positive_one_emits_it(store, cause):
    patient_id = register(store, cause)["_id"]
    assessment = record(store, cause, patient_id, [1, 1, 1, 0, 0, 0], instrument="C-SSRS")
    assert (assessment["severity"], assessment["risk_level"], assessment["risk_flags"]) == (
        "moderate", "moderate", ["suicide_risk"])
    [flagged] = events(store, ASSESSMENTS, "intake.risk.flagged")
    assert flagged["payload"]["risk_level"] == "moderate"


def test_other_instruments_are_stored_without_a_risk_level(store, cause):
    assert record(store, cause, register(store, cause)["_id"])["risk_level"] is None


def test_the_summary_of_another_sites_patient_is_not_found(store, cause, context):
    patient_id = register(store, cause)["_id"]
    with pytest.raises(NotFound):
        assessments.summarize(store, context.site("stpaul"), patient_id)
