"""The episode of care on the in-memory store: programs from the site's catalog, changes of level of
care, diagnoses, TEDS-D outcomes in the census, and the re-measurement sweep."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from services.intake.store import ENROLLMENTS
from services.intake.use_cases import assessments, enrollments
from services.intake.use_cases.census import census
from services.intake.use_cases.measurement import sweep_overdue_measurements
from services.intake.use_cases.programs import list_programs
from shared.errors import Conflict, Invalid, NotFound
from shared.programs import Program
from shared.sites import Sites
from tests.unit.intake.support import START, admit, events, register

TODAY = date(2026, 11, 26)  # the site's today at the pinned instant
STEP_DOWN = date(2026, 11, 23)


def step(store, cause, site, enrollment_id, program="mh-adult", effective_date=STEP_DOWN, **fields):
    return enrollments.change_level_of_care(store, cause, site, enrollment_id,
                                            {"program": program, "effective_date": effective_date, **fields})


def php_admission(store, cause):
    return admit(store, cause, register(store, cause)["_id"], program="php-adult")


def put(store, cause, enrollment_id, *codes):
    return enrollments.put_diagnoses(store, cause, enrollment_id, {
        "diagnoses": [{"code": code, "rank": rank} for rank, code in enumerate(codes, start=1)]})


# --- the catalog ---------------------------------------------------------------------------

def test_the_programs_listed_are_the_sites_catalog_with_every_field(site):
    programs = list_programs(site)
    assert [program["code"] for program in programs] == ["mh-adult", "sud-adult", "adolescent", "php-adult",
                                                        "op-adult"]
    assert programs[3] == {"code": "php-adult", "name": "Adult partial hospitalization", "level_of_care": "2.5",
                           "population": "adult", "substance_use": False, "planned_weeks": 4,
                           "weekly_minimum_hours": 20, "min_weeks": 1, "max_weeks": 26,
                           "cadence": {"individual_per_week": 1, "medication_check_in_every_weeks": 2}}


def test_an_admission_takes_the_programs_level_of_care_and_length_and_opens_one_period(store, cause):
    enrollment = php_admission(store, cause)
    assert (enrollment["level_of_care"], enrollment["planned_weeks"], enrollment["planned_end_date"]) == (
        "2.5", 4, date(2026, 11, 29))
    assert enrollment["periods"] == [{"program": "php-adult", "level_of_care": "2.5", "start_date": START,
                                      "end_date": None, "reason": None}]


def test_a_program_not_in_the_sites_catalog_is_invalid_and_admits_nobody(store, cause, site):
    patient_id = register(store, cause)["_id"]
    own_catalog = replace(site, programs={"iop-day": Program("iop-day", "Day IOP", "2.1", "adult", False, 6, 9)})
    with pytest.raises(Invalid) as caught:
        enrollments.admit(store, cause, own_catalog, {"patient_id": patient_id, "program": "mh-adult",
                                                      "start_date": START})
    assert list(caught.value.errors) == ["program"]
    assert store.enrollments.count({}) == 0


def test_a_site_with_its_own_catalog_admits_to_its_programs(store, cause, site):
    patient_id = register(store, cause)["_id"]
    own_catalog = replace(site, programs={"iop-day": Program("iop-day", "Day IOP", "2.1", "adult", False, 6, 9)})
    enrollment = enrollments.admit(store, cause, own_catalog, {"patient_id": patient_id, "program": "iop-day",
                                                               "start_date": START})
    assert (enrollment["program"], enrollment["planned_end_date"]) == ("iop-day", date(2026, 12, 13))


# --- changes of level of care -------------------------------------------------------------

def test_a_step_down_keeps_the_episode_with_its_periods_and_emits_level_of_care_changed(store, cause, site):
    enrollment = php_admission(store, cause)
    stepped = step(store, cause, site, enrollment["_id"], reason="Stable for two weeks.")
    assert (stepped["status"], stepped["program"], stepped["level_of_care"], stepped["planned_end_date"]) == (
        "active", "mh-adult", "2.1", date(2027, 1, 17))
    assert [(p["program"], p["start_date"], p["end_date"], p["reason"]) for p in stepped["periods"]] == [
        ("php-adult", START, date(2026, 11, 22), None), ("mh-adult", STEP_DOWN, None, "Stable for two weeks.")]
    [event] = events(store, ENROLLMENTS, "intake.level_of_care.changed")
    assert (event["payload"]["previous_program"], event["payload"]["effective_date"]) == ("php-adult", "2026-11-23")


def test_after_a_step_down_the_patient_may_be_admitted_to_the_program_left(store, cause, site):
    enrollment = php_admission(store, cause)
    step(store, cause, site, enrollment["_id"])
    assert admit(store, cause, enrollment["patient_id"], program="php-adult")["status"] == "active"


def test_a_step_into_a_program_the_patient_is_already_active_in_is_a_conflict_and_changes_nothing(
        store, cause, site):
    enrollment = php_admission(store, cause)
    admit(store, cause, enrollment["patient_id"], program="mh-adult")
    with pytest.raises(Conflict):
        step(store, cause, site, enrollment["_id"])
    assert store.enrollments.find_one({"_id": enrollment["_id"]})["program"] == "php-adult"
    assert events(store, ENROLLMENTS, "intake.level_of_care.changed") == []


def test_an_ended_enrollment_cannot_change_its_level_of_care(store, cause, site):
    enrollment = php_admission(store, cause)
    enrollments.discharge(store, cause, site, enrollment["_id"], {"outcome": "other", "discharge_date": TODAY})
    with pytest.raises(Conflict):
        step(store, cause, site, enrollment["_id"])


def test_another_sites_enrollment_cannot_change_its_level_of_care(store, cause, other_site_cause, context):
    enrollment = php_admission(store, cause)
    with pytest.raises(NotFound):
        step(store, other_site_cause, context.site("stpaul"), enrollment["_id"])


def test_a_completion_after_a_step_down_ends_the_last_period_and_completes_with_the_current_program(
        store, cause, site):
    enrollment = php_admission(store, cause)
    step(store, cause, site, enrollment["_id"])
    ended = enrollments.discharge(store, cause, site, enrollment["_id"], {"outcome": "completed",
                                                                          "discharge_date": TODAY})
    assert [p["end_date"] for p in ended["periods"]] == [date(2026, 11, 22), TODAY]
    [completed] = events(store, ENROLLMENTS, "intake.enrollment.completed")
    assert (completed["payload"]["program"], completed["payload"]["start_date"]) == ("mh-adult", "2026-11-02")


def test_after_a_step_down_a_new_planned_length_counts_from_the_step(store, cause, site):
    enrollment = php_admission(store, cause)
    step(store, cause, site, enrollment["_id"])
    changed = enrollments.change_planned_length(store, cause, site, enrollment["_id"], {"planned_weeks": 4})
    assert changed["planned_end_date"] == date(2026, 12, 20)


# --- diagnoses ----------------------------------------------------------------------------

def test_diagnoses_are_put_on_the_enrollment_with_their_history_and_emit_the_codes(store, cause):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    put(store, cause, enrollment["_id"], "F33.1")
    updated = put(store, cause, enrollment["_id"], "F33.1", "F411")
    assert updated["diagnoses"] == [{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}]
    assert [(len(entry["diagnoses"]), entry["by"]) for entry in updated["diagnosis_history"]] == [
        (1, "clinician-key"), (2, "clinician-key")]
    assert [event["payload"]["primary_code"] for event in events(store, ENROLLMENTS, "intake.diagnoses.updated")] == [
        "F33.1", "F33.1"]


def test_putting_the_same_diagnoses_again_emits_nothing(store, cause):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    put(store, cause, enrollment["_id"], "F33.1")
    again = put(store, cause, enrollment["_id"], "F33.1")
    assert (len(again["diagnosis_history"]), len(events(store, ENROLLMENTS, "intake.diagnoses.updated"))) == (1, 1)


def test_an_unknown_code_is_invalid_on_its_item_and_changes_nothing(store, cause):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    with pytest.raises(Invalid) as caught:
        put(store, cause, enrollment["_id"], "F33.1", "F33.A")
    assert list(caught.value.errors) == ["diagnoses.1.code"]
    assert store.enrollments.find_one({"_id": enrollment["_id"]})["diagnoses"] == []


def test_another_sites_enrollments_diagnoses_are_not_found(store, cause, other_site_cause):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    with pytest.raises(NotFound):
        put(store, other_site_cause, enrollment["_id"], "F33.1")


# --- census -------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["death", "incarcerated"])
def test_teds_d_outcomes_discharge_and_are_counted_in_the_census(store, cause, site, outcome):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    ended = enrollments.discharge(store, cause, site, enrollment["_id"], {"outcome": outcome,
                                                                          "discharge_date": TODAY})
    [mpls] = census(store, [site])["sites"]
    assert (ended["status"], mpls["discharges"]["by_outcome"][outcome]) == ("discharged", 1)
    assert [event["event_type"] for event in events(store, ENROLLMENTS)][-1] == "intake.enrollment.discharged"


def test_the_census_counts_an_admission_under_its_program_and_an_active_enrollment_under_its_current(
        store, cause, site):
    enrollment = php_admission(store, cause)
    step(store, cause, site, enrollment["_id"])
    [mpls] = census(store, [site])["sites"]
    assert (mpls["admissions"]["by_program"]["php-adult"], mpls["active"]["by_program"]["mh-adult"],
            mpls["active"]["by_program"]["php-adult"]) == (1, 1, 0)


# --- the re-measurement sweep -------------------------------------------------------------

def with_phq9_cadence(site, every_weeks=2):
    programs = {code: replace(program, cadence={**program.cadence, "phq9_every_weeks": every_weeks})
                if code == "mh-adult" else program for code, program in site.programs.items()}
    return replace(site, programs=programs)


def phq9(store, cause, patient_id, day: date):
    return assessments.record(store, cause, patient_id, {
        "instrument": "PHQ-9", "item_scores": [1] * 8 + [0],
        "administered_at": datetime(day.year, day.month, day.day, 15, tzinfo=timezone.utc)})


def test_a_missed_phq9_raises_measurement_overdue_once_per_due_date(store, cause, site):
    cadenced = with_phq9_cadence(site)
    enrollment = admit(store, cause, register(store, cause)["_id"])
    phq9(store, cause, enrollment["patient_id"], date(2026, 11, 3))
    sites = Sites({"mpls": cadenced}, {})
    assert (sweep_overdue_measurements(store, sites, "intake"), sweep_overdue_measurements(store, sites, "intake")) \
        == (1, 0)
    [overdue] = events(store, ENROLLMENTS, "intake.measurement.overdue")
    assert overdue["payload"] == {"enrollment_id": enrollment["_id"], "patient_id": enrollment["patient_id"],
                                  "instrument": "PHQ-9", "due_date": "2026-11-17"}


def test_a_phq9_recorded_in_time_leaves_nothing_overdue(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    phq9(store, cause, enrollment["patient_id"], date(2026, 11, 3))
    phq9(store, cause, enrollment["patient_id"], date(2026, 11, 17))
    assert sweep_overdue_measurements(store, Sites({"mpls": with_phq9_cadence(site)}, {}), "intake") == 0


def test_a_program_without_a_cadence_is_never_swept(store, cause, site):
    admit(store, cause, register(store, cause)["_id"])
    assert sweep_overdue_measurements(store, Sites({"mpls": site}, {}), "intake") == 0
