"""Assessments over HTTP: scored on the server, refused whole when invalid, summarised as progress."""
from datetime import datetime, timedelta, timezone

import pytest

from services.intake.store import ASSESSMENTS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, discharge, register

MODERATE_PHQ9 = [2, 2, 1, 2, 1, 1, 2, 1, 0]  # 12, item 9 at 0
SEVERE_PHQ9 = [3, 3, 2, 3, 2, 2, 3, 2, 0]  # 20
MILD_PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # 8
REMITTED_PHQ9 = [1, 1, 0, 1, 0, 0, 1, 0, 0]  # 4
GAD7 = [1, 2, 1, 1, 0, 1, 1]  # 7


def record(intake, patient_id, instrument="PHQ-9", items=MODERATE_PHQ9, headers=CLINICIAN, **fields):
    return intake.post(f"/v1/patients/{patient_id}/assessments",
                       json={"instrument": instrument, "item_scores": items, **fields}, headers=headers)


def at(days_back: int, hour: int = 15) -> str:
    """An instant on a past day (15:00 UTC is 09:00 or 10:00 in Minneapolis, the same day)."""
    day = datetime.fromisoformat(days_ago(days_back))
    return day.replace(hour=hour, tzinfo=timezone.utc).isoformat()


# --- recording ----------------------------------------------------------------------------

def test_an_assessment_is_scored_on_the_server(intake):
    answer = record(intake, register(intake))
    assert answer.status_code == 201
    assert {key: answer.json[key] for key in ("instrument", "total_score", "severity", "risk_flags")} == {
        "instrument": "PHQ-9", "total_score": 12, "severity": "moderate", "risk_flags": []}


def test_a_gad7_is_scored_against_its_own_bands(intake):
    answer = record(intake, register(intake), instrument="GAD-7", items=GAD7)
    assert (answer.json["total_score"], answer.json["severity"]) == (7, "mild")


def test_an_assessment_emits_recorded_with_its_scores(intake, intake_context):
    patient_id = register(intake)
    assessment = record(intake, patient_id).json
    [event] = pending_events(intake_context, ASSESSMENTS)
    assert (event["event_type"], event["payload"]) == ("intake.assessment.recorded", {
        "assessment_id": assessment["id"], "patient_id": patient_id, "enrollment_id": None, "instrument": "PHQ-9",
        "total_score": 12, "severity": "moderate", "risk_flags": []})


def test_any_answer_above_zero_on_item_9_raises_the_risk_flag_and_emits_risk_flagged(intake, intake_context):
    patient_id = register(intake)
    assessment = record(intake, patient_id, items=[0, 0, 0, 0, 0, 0, 0, 0, 1]).json
    assert (assessment["severity"], assessment["risk_flags"]) == ("minimal", ["suicidal_ideation"])
    [flagged] = pending_events(intake_context, ASSESSMENTS, "intake.risk.flagged")
    assert flagged["payload"] == {"assessment_id": assessment["id"], "patient_id": patient_id, "enrollment_id": None,
                                  "instrument": "PHQ-9", "risk_flags": ["suicidal_ideation"], "risk_level": None}


def test_the_risk_flag_is_written_with_the_assessment_in_one_document(intake, intake_context):
    assessment = record(intake, register(intake), items=[0, 0, 0, 0, 0, 0, 0, 0, 2]).json
    stored = intake_context.db[ASSESSMENTS].find_one({"_id": assessment["id"]})
    assert sorted(event["event_type"] for event in stored["outbox"].values()) == [
        "intake.assessment.recorded", "intake.risk.flagged"]


def test_without_a_risk_flag_no_risk_event_is_emitted(intake, intake_context):
    record(intake, register(intake), items=SEVERE_PHQ9)
    assert pending_events(intake_context, ASSESSMENTS, "intake.risk.flagged") == []


def test_an_assessment_keeps_when_it_was_administered_and_its_enrollment(intake):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id)
    answer = record(intake, patient_id, administered_at="2026-11-02T09:30:00-06:00", enrollment_id=enrollment["id"])
    assert (answer.json["administered_at"], answer.json["enrollment_id"]) == (
        "2026-11-02T15:30:00+00:00", enrollment["id"])


@pytest.mark.parametrize("items", [MODERATE_PHQ9[:8], MODERATE_PHQ9 + [0], []])
def test_a_wrong_item_count_is_422_on_item_scores_and_stores_nothing(intake, intake_context, items):
    patient_id = register(intake)
    answer = record(intake, patient_id, items=items)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", ["item_scores"])
    assert intake_context.db[ASSESSMENTS].count_documents({}) == 0


@pytest.mark.parametrize("bad", [4, -1, "2", 1.5, True])
def test_an_item_that_is_not_an_integer_from_0_to_3_is_422_on_item_scores_and_stores_nothing(
        intake, intake_context, bad):
    answer = record(intake, register(intake), items=[*MODERATE_PHQ9[:8], bad])
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["item_scores"])
    assert "item 9" in answer.json["errors"]["item_scores"][0]
    assert intake_context.db[ASSESSMENTS].count_documents({}) == 0


@pytest.mark.parametrize("body, field", [
    ({"instrument": "BDI-II", "item_scores": MODERATE_PHQ9}, "instrument"),
    ({"item_scores": MODERATE_PHQ9}, "instrument"),
    ({"instrument": "PHQ-9"}, "item_scores"),
    ({"instrument": "PHQ-9", "item_scores": "2,2,1"}, "item_scores"),
    ({"instrument": "PHQ-9", "item_scores": MODERATE_PHQ9, "administered_at": "2026-11-02T09:30:00"},
     "administered_at"),
    ({"instrument": "PHQ-9", "item_scores": MODERATE_PHQ9,
      "administered_at": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()}, "administered_at"),
    ({"instrument": "PHQ-9", "item_scores": MODERATE_PHQ9, "enrollment_id": "no-such-enrollment"}, "enrollment_id"),
    # A client's total is refused outright, never trusted.
    ({"instrument": "PHQ-9", "item_scores": MODERATE_PHQ9, "total_score": 12}, "total_score"),
])
def test_an_invalid_assessment_is_422_on_the_field_and_stores_nothing(intake, intake_context, body, field):
    answer = intake.post(f"/v1/patients/{register(intake)}/assessments", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])
    assert intake_context.db[ASSESSMENTS].count_documents({}) == 0


def test_an_enrollment_of_another_patient_is_422_on_enrollment_id(intake):
    someone_else = admit(intake, register(intake, mrn="MRN-2"))
    answer = record(intake, register(intake), enrollment_id=someone_else["id"])
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["enrollment_id"])


def test_assessing_another_sites_patient_is_404_and_stores_nothing(intake, intake_context):
    answer = record(intake, register(intake), headers=OTHER_SITE)
    assert answer.status_code == 404
    assert intake_context.db[ASSESSMENTS].count_documents({}) == 0


# --- listing ------------------------------------------------------------------------------

def test_assessments_are_listed_most_recent_first(intake):
    patient_id = register(intake)
    older = record(intake, patient_id, administered_at=at(14)).json
    newer = record(intake, patient_id, administered_at=at(7)).json
    listed = intake.get(f"/v1/patients/{patient_id}/assessments", headers=CLINICIAN).json
    assert [assessment["id"] for assessment in listed] == [newer["id"], older["id"]]


def test_assessments_are_listed_by_instrument(intake):
    patient_id = register(intake)
    record(intake, patient_id)
    gad = record(intake, patient_id, instrument="GAD-7", items=GAD7).json
    listed = intake.get(f"/v1/patients/{patient_id}/assessments?instrument=GAD-7", headers=CLINICIAN).json
    assert [assessment["id"] for assessment in listed] == [gad["id"]]


def test_the_assessment_list_is_paginated(intake):
    patient_id = register(intake)
    for days_back in (3, 2, 1):
        record(intake, patient_id, administered_at=at(days_back))
    answer = intake.get(f"/v1/patients/{patient_id}/assessments?page=2&page_size=2", headers=CLINICIAN)
    assert len(answer.json) == 1
    assert '"total": 3' in answer.headers["X-Pagination"]


def test_only_the_patients_own_assessments_are_listed(intake):
    patient_id, other = register(intake), register(intake, mrn="MRN-2")
    record(intake, other)
    assert intake.get(f"/v1/patients/{patient_id}/assessments", headers=CLINICIAN).json == []


def test_another_sites_patients_assessments_are_404(intake):
    patient_id = register(intake)
    record(intake, patient_id)
    assert intake.get(f"/v1/patients/{patient_id}/assessments", headers=OTHER_SITE).status_code == 404


# --- progress -----------------------------------------------------------------------------

def summary(intake, patient_id, headers=CLINICIAN):
    return intake.get(f"/v1/patients/{patient_id}/assessments/summary", headers=headers)


def test_progress_is_measured_from_the_first_assessment_of_the_current_enrollment(intake):
    patient_id = register(intake)
    # 70 days ago is more than the site's 30 days before admission: not this episode's baseline.
    record(intake, patient_id, items=MILD_PHQ9, administered_at=at(70))
    enrollment = admit(intake, patient_id, start_date=days_ago(28))
    record(intake, patient_id, items=SEVERE_PHQ9, administered_at=at(28))
    record(intake, patient_id, items=MILD_PHQ9, administered_at=at(1))
    answer = summary(intake, patient_id).json
    assert (answer["enrollment_id"], answer["enrollment_start_date"]) == (enrollment["id"], days_ago(28))
    [phq9] = answer["instruments"]
    assert {key: phq9[key] for key in ("instrument", "baseline", "baseline_source", "latest", "change",
                                      "percent_change", "response", "remission", "not_applicable_reason",
                                      "count")} == {
        "instrument": "PHQ-9", "baseline": 20, "baseline_source": "enrollment", "latest": 8, "change": -12,
        "percent_change": -60.0, "response": True, "remission": False, "not_applicable_reason": None, "count": 3}
    assert answer["baseline_window_days"] == 30


def test_an_evaluation_recorded_before_admission_within_30_days_is_the_episodes_baseline(intake):
    patient_id = register(intake)
    record(intake, patient_id, items=SEVERE_PHQ9, administered_at=at(40))
    admit(intake, patient_id, start_date=days_ago(28))
    record(intake, patient_id, items=MODERATE_PHQ9, administered_at=at(27))
    record(intake, patient_id, items=MILD_PHQ9, administered_at=at(1))
    [phq9] = summary(intake, patient_id).json["instruments"]
    assert (phq9["baseline"], phq9["baseline_source"], phq9["response"]) == (20, "pre_admission_evaluation", True)


def test_from_a_baseline_phq9_below_10_response_and_remission_are_null_with_the_reason(intake):
    patient_id = register(intake)
    admit(intake, patient_id, start_date=days_ago(28))
    record(intake, patient_id, items=MILD_PHQ9, administered_at=at(27))
    record(intake, patient_id, items=REMITTED_PHQ9, administered_at=at(1))
    [phq9] = summary(intake, patient_id).json["instruments"]
    assert {key: phq9[key] for key in ("response", "remission", "not_applicable_reason")} == {
        "response": None, "remission": None, "not_applicable_reason": "baseline PHQ-9 below 10"}


def test_a_latest_phq9_below_5_is_remission(intake):
    patient_id = register(intake)
    admit(intake, patient_id, start_date=days_ago(28))
    record(intake, patient_id, items=MODERATE_PHQ9, administered_at=at(27))
    record(intake, patient_id, items=REMITTED_PHQ9, administered_at=at(1))
    [phq9] = summary(intake, patient_id).json["instruments"]
    assert (phq9["remission"], phq9["response"]) == (True, True)


def test_the_baseline_window_counts_days_at_the_site_not_in_utc(intake):
    patient_id = register(intake)
    admit(intake, patient_id, start_date=days_ago(40))
    # The window opens 30 days before admission, 70 days ago. 03:00 UTC on that day is still the
    # evening before in Minneapolis: outside the window.
    record(intake, patient_id, items=SEVERE_PHQ9, administered_at=at(70, hour=3))
    record(intake, patient_id, items=MODERATE_PHQ9, administered_at=at(70, hour=15))
    [phq9] = summary(intake, patient_id).json["instruments"]
    assert phq9["baseline"] == 12


def test_each_instrument_is_summarised_separately(intake):
    patient_id = register(intake)
    record(intake, patient_id, administered_at=at(2))
    record(intake, patient_id, instrument="GAD-7", items=GAD7, administered_at=at(1))
    instruments = summary(intake, patient_id).json["instruments"]
    assert [(entry["instrument"], entry["latest"]) for entry in instruments] == [("PHQ-9", 12), ("GAD-7", 7)]


def test_without_any_enrollment_the_baseline_is_the_first_assessment(intake):
    patient_id = register(intake)
    record(intake, patient_id, items=SEVERE_PHQ9, administered_at=at(20))
    record(intake, patient_id, items=MODERATE_PHQ9, administered_at=at(5))
    answer = summary(intake, patient_id).json
    assert (answer["enrollment_id"], answer["instruments"][0]["baseline"]) == (None, 20)


def test_after_discharge_progress_is_measured_in_the_last_enrollment(intake):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id, start_date=days_ago(60))
    record(intake, patient_id, items=SEVERE_PHQ9, administered_at=at(59))
    record(intake, patient_id, items=MILD_PHQ9, administered_at=at(3))
    discharge(intake, enrollment["id"], "completed", days_ago(2))
    answer = summary(intake, patient_id).json
    assert (answer["enrollment_id"], answer["instruments"][0]["baseline"]) == (enrollment["id"], 20)


def test_a_patient_never_assessed_has_an_empty_summary(intake):
    assert summary(intake, register(intake)).json["instruments"] == []


def test_another_sites_patients_summary_is_404(intake):
    assert summary(intake, register(intake), headers=OTHER_SITE).status_code == 404


# --- the C-SSRS screener, PCL-5 and AUDIT ------------------------------------------------------

def test_a_positive_cssrs_screen_records_its_risk_level_and_emits_risk_flagged_with_it(intake, intake_context):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id)
    answer = record(intake, patient_id, instrument="C-SSRS", items=[1, 1, 0, 0, 0, 2],
                    enrollment_id=enrollment["id"])
    assert (answer.status_code, answer.json["risk_level"], answer.json["severity"], answer.json["total_score"],
            answer.json["risk_flags"]) == (201, "high", "high", 3, ["suicide_risk"])
    [flagged] = pending_events(intake_context, ASSESSMENTS, "intake.risk.flagged")
    assert flagged["payload"] == {"assessment_id": answer.json["id"], "patient_id": patient_id,
                                  "enrollment_id": enrollment["id"], "instrument": "C-SSRS",
                                  "risk_flags": ["suicide_risk"], "risk_level": "high"}


def test_a_low_risk_cssrs_screen_is_recorded_without_a_risk_event(intake, intake_context):
    answer = record(intake, register(intake), instrument="C-SSRS", items=[1, 0, 0, 0, 0, 0])
    assert (answer.json["risk_level"], answer.json["risk_flags"]) == ("low", [])
    assert pending_events(intake_context, ASSESSMENTS, "intake.risk.flagged") == []


def test_a_pcl5_of_33_is_a_provisional_ptsd(intake):
    answer = record(intake, register(intake), instrument="PCL-5", items=[2] * 16 + [1] + [0] * 3)
    assert (answer.json["total_score"], answer.json["severity"], answer.json["risk_level"]) == (
        33, "provisional_ptsd", None)


def test_an_audit_is_scored_into_the_who_zones(intake):
    answer = record(intake, register(intake), instrument="AUDIT", items=[3, 3, 2, 2, 1, 1, 0, 0, 2, 2])
    assert (answer.json["total_score"], answer.json["severity"]) == (16, "harmful")


@pytest.mark.parametrize("instrument, items, message", [
    ("AUDIT", [0] * 8 + [1, 0], "item 9 must be one of 0, 2, 4"),
    ("C-SSRS", [0] * 5 + [3], "item 6 must be one of 0, 1, 2"),
    ("PCL-5", [0] * 19, "PCL-5 needs exactly 20 items, got 19"),
])
def test_an_answer_outside_an_instruments_choices_is_422_on_item_scores_and_stores_nothing(
        intake, intake_context, instrument, items, message):
    answer = record(intake, register(intake), instrument=instrument, items=items)
    assert (answer.status_code, answer.json["errors"]) == (422, {"item_scores": [message]})
    assert pending_events(intake_context, ASSESSMENTS) == []


def test_the_cssrs_screen_is_not_summarised_as_progress(intake):
    patient_id = register(intake)
    record(intake, patient_id, instrument="C-SSRS", items=[1, 1, 1, 0, 0, 0])
    record(intake, patient_id, instrument="PCL-5", items=[2] * 20)
    assert [entry["instrument"] for entry in summary(intake, patient_id).json["instruments"]] == ["PCL-5"]
