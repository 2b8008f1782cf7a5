"""Safety plans, the use cases on the in-memory store: versions, links, the event, the site."""
from datetime import date

import pytest

from services.intake.store import SAFETY_PLANS
from services.intake.use_cases import safety_plans
from shared.errors import Invalid, NotFound
from tests.unit.intake.support import events, register

PLAN = {
    "warning_signs": ["Not sleeping"],
    "internal_coping_strategies": ["Walk the dog"],
    "environment_safety": {"means_discussed": ["medications"], "actions_agreed": ["Blister packs, one week at a time."],
                           "counselled_on": date(2026, 11, 26)},
}


@pytest.fixture
def patient_id(store, cause):
    return register(store, cause)["_id"]


# The enrollment and the assessment a plan names, as intake stores them (their own use cases are
# tested with them; here only their ids and owners matter).
def enrollment_of(store, patient_id: str) -> str:
    return store.enrollments.insert({"_id": f"enr-{patient_id}", "site_id": "mpls", "patient_id": patient_id,
                                     "start_date": date(2026, 11, 2), "status": "active", "discharge": None})["_id"]


def assessment_of(store, patient_id: str) -> str:
    assessment = {"_id": f"asm-{patient_id}", "site_id": "mpls", "patient_id": patient_id, "instrument": "PHQ-9",
                  "total_score": 12, "risk_flags": ["suicidal_ideation"]}
    return store.assessments.insert(assessment)["_id"]


def test_a_patients_first_plan_is_version_1_and_the_next_one_version_2(store, cause, site, patient_id):
    first = safety_plans.record(store, cause, site, patient_id, PLAN)
    second = safety_plans.record(store, cause, site, patient_id, PLAN)
    assert [(first["version_number"], first["current"]), (second["version_number"], second["current"])] == [
        (1, True), (2, True)]


def test_the_versions_are_listed_newest_first_and_only_the_latest_is_current(store, cause, site, patient_id):
    first = safety_plans.record(store, cause, site, patient_id, PLAN)
    second = safety_plans.record(store, cause, site, patient_id, PLAN)
    assert [(plan["_id"], plan["current"]) for plan in safety_plans.versions(store, site.id, patient_id)] == [
        (second["_id"], True), (first["_id"], False)]
    assert safety_plans.get(store, site.id, first["_id"])["current"] is False


def test_each_version_emits_the_recorded_event_with_its_number_and_what_prompted_it(store, cause, site, patient_id):
    enrollment_id, assessment_id = enrollment_of(store, patient_id), assessment_of(store, patient_id)
    plan = safety_plans.record(store, cause, site, patient_id, {
        **PLAN, "enrollment_id": enrollment_id, "assessment_id": assessment_id})
    [event] = events(store, SAFETY_PLANS)
    assert (event["event_type"], event["payload"]) == ("intake.safety_plan.recorded", {
        "safety_plan_id": plan["_id"], "patient_id": patient_id, "enrollment_id": enrollment_id, "version": 1,
        "assessment_id": assessment_id})


@pytest.mark.parametrize("field", ["enrollment_id", "assessment_id"])
def test_an_enrollment_or_assessment_of_another_patient_is_refused(store, cause, site, patient_id, field):
    other = register(store, cause, mrn="MRN-2")["_id"]
    linked = {"enrollment_id": enrollment_of, "assessment_id": assessment_of}[field](store, other)
    with pytest.raises(Invalid) as refused:
        safety_plans.record(store, cause, site, patient_id, {**PLAN, field: linked})
    assert list(refused.value.errors) == [field]
    assert events(store, SAFETY_PLANS) == []


def test_a_plan_for_another_sites_patient_is_not_found(store, other_site_cause, patient_id, context):
    with pytest.raises(NotFound):
        safety_plans.record(store, other_site_cause, context.site("stpaul"), patient_id, PLAN)


def test_another_sites_plans_are_not_found(store, cause, site, patient_id):
    plan = safety_plans.record(store, cause, site, patient_id, PLAN)
    with pytest.raises(NotFound):
        safety_plans.get(store, "stpaul", plan["_id"])
    with pytest.raises(NotFound):
        safety_plans.versions(store, "stpaul", patient_id)


def test_a_plan_written_while_another_took_its_number_takes_the_next_one(store, cause, site, patient_id, monkeypatch):
    safety_plans.record(store, cause, site, patient_id, PLAN)
    stale = iter([None])  # the first read misses the version just written, as a concurrent writer would
    latest = safety_plans._latest_version
    monkeypatch.setattr(safety_plans, "_latest_version", lambda *args: next(stale, latest(*args)))
    assert safety_plans.record(store, cause, site, patient_id, PLAN)["version_number"] == 2
    assert len(events(store, SAFETY_PLANS)) == 2
