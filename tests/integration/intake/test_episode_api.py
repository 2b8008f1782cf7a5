"""The episode of care over HTTP: the site's program catalog, diagnoses, changes of level of care,
TEDS-D outcomes and the re-measurement sweep, on the database server."""
from dataclasses import replace

import pytest

from services.intake.store import ENROLLMENTS
from services.intake.use_cases.measurement import sweep_overdue_measurements
from shared.programs import Program
from shared.sites import Sites
from tests.conftest import CLINICIAN, OPERATOR, OTHER_SITE, api_client, pending_events
from tests.integration.intake.helpers import admit, days_ago, discharge, register


def put_diagnoses(intake, enrollment_id, diagnoses, headers=CLINICIAN):
    return intake.put(f"/v1/enrollments/{enrollment_id}/diagnoses", json={"diagnoses": diagnoses}, headers=headers)


def change_level(intake, enrollment_id, program="mh-adult", effective_date=None, headers=CLINICIAN, **fields):
    body = {"program": program, "effective_date": effective_date or days_ago(0), **fields}
    return intake.post(f"/v1/enrollments/{enrollment_id}/level-of-care", json=body, headers=headers)


def php_admission(intake, days_back=14):
    return admit(intake, register(intake), program="php-adult", start_date=days_ago(days_back))


def with_own_catalog(sites, **programs) -> Sites:
    mpls = replace(sites.get("mpls"), programs=programs)
    return Sites({"mpls": mpls, "stpaul": sites.get("stpaul")}, sites._keys)


# --- the catalog -----------------------------------------------------------------------------

def test_the_programs_are_the_sites_catalog(intake):
    answer = intake.get("/v1/programs", headers=CLINICIAN)
    assert answer.status_code == 200
    assert [program["code"] for program in answer.json] == ["mh-adult", "sud-adult", "adolescent", "php-adult",
                                                           "op-adult"]
    assert answer.json[0] == {"code": "mh-adult", "name": "Adult mental health IOP", "level_of_care": "2.1",
                              "population": "adult", "substance_use": False, "planned_weeks": 8,
                              "weekly_minimum_hours": 9.0, "min_weeks": 4, "max_weeks": 26,
                              "cadence": {"individual_per_week": 1, "medication_check_in_every_weeks": 2}}


def test_a_site_that_replaces_its_catalog_lists_and_admits_its_own_programs_only(settings, sites):
    own = with_own_catalog(sites, **{"iop-day": Program("iop-day", "Day IOP", "2.1", "adult", False, 6, 9)})
    client = api_client("intake", settings, own)
    assert [p["code"] for p in client.get("/v1/programs", headers=CLINICIAN).json] == ["iop-day"]
    patient_id = register(client)
    refused = client.post("/v1/enrollments", json={"patient_id": patient_id, "program": "mh-adult",
                                                   "start_date": days_ago(1)}, headers=CLINICIAN)
    assert (refused.status_code, refused.json["errors"]) == (
        422, {"program": ["must be one of the site's programs: iop-day"]})
    assert admit(client, patient_id, program="iop-day")["planned_weeks"] == 6


def test_the_program_list_is_for_a_sites_clinicians(intake):
    assert intake.get("/v1/programs", headers=OPERATOR).status_code == 403


def test_an_admission_takes_the_programs_level_of_care_and_opens_its_first_period(intake):
    enrollment = php_admission(intake)
    assert (enrollment["level_of_care"], enrollment["planned_weeks"]) == ("2.5", 4)
    assert enrollment["periods"] == [{"program": "php-adult", "level_of_care": "2.5", "start_date": days_ago(14),
                                      "end_date": None, "reason": None}]


@pytest.mark.parametrize("weeks", [3, 27])
def test_a_length_outside_the_programs_bounds_is_422_on_planned_weeks(intake, weeks):
    answer = intake.post("/v1/enrollments", json={"patient_id": register(intake), "program": "mh-adult",
                                                  "start_date": days_ago(1), "planned_weeks": weeks},
                         headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["planned_weeks"])


def test_a_level_of_care_other_than_the_programs_is_422_on_level_of_care(intake):
    answer = intake.post("/v1/enrollments", json={"patient_id": register(intake), "program": "mh-adult",
                                                  "start_date": days_ago(1), "level_of_care": "2.5"},
                         headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["level_of_care"])


# --- diagnoses -------------------------------------------------------------------------------

def test_diagnoses_are_put_on_the_enrollment_shown_on_it_and_emitted_as_codes(intake, intake_context):
    enrollment = admit(intake, register(intake))
    answer = put_diagnoses(intake, enrollment["id"], [{"code": "F41.1", "rank": 2}, {"code": "F331", "rank": 1}])
    assert (answer.status_code, answer.json["diagnoses"]) == (200, [{"code": "F33.1", "rank": 1},
                                                                    {"code": "F41.1", "rank": 2}])
    shown = intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json
    assert (shown["diagnoses"], len(shown["diagnosis_history"])) == (answer.json["diagnoses"], 1)
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.diagnoses.updated")
    assert event["payload"] == {"enrollment_id": enrollment["id"], "patient_id": enrollment["patient_id"],
                                "diagnoses": [{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}],
                                "primary_code": "F33.1"}


def test_every_change_of_diagnoses_is_kept_in_the_history(intake):
    enrollment = admit(intake, register(intake))
    put_diagnoses(intake, enrollment["id"], [{"code": "F32.9", "rank": 1}])
    history = put_diagnoses(intake, enrollment["id"], [{"code": "F33.1", "rank": 1}]).json["diagnosis_history"]
    assert [(entry["diagnoses"][0]["code"], entry["by"]) for entry in history] == [
        ("F32.9", "Minneapolis front-end"), ("F33.1", "Minneapolis front-end")]


@pytest.mark.parametrize("diagnoses, field", [
    ([{"code": "F33.1", "rank": 1}, {"code": "F33.A", "rank": 2}], "diagnoses.1.code"),
    ([{"code": "F33", "rank": 1}], "diagnoses.0.code"),
    ([{"code": "F33.1", "rank": 2}], "diagnoses"),
    ([{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 1}], "diagnoses.1.rank"),
    ([{"code": "f33.1", "rank": 1}], "diagnoses.0.code"),
    ([{"code": "F33.1", "rank": 0}], "diagnoses.0.rank"),
    ([], "diagnoses"),
], ids=["unknown code", "category, not billable", "no primary", "two primaries", "lower case", "rank 0", "none"])
def test_an_invalid_set_of_diagnoses_is_422_naming_the_field_and_changes_nothing(
        intake, intake_context, diagnoses, field):
    enrollment = admit(intake, register(intake))
    answer = put_diagnoses(intake, enrollment["id"], diagnoses)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", [field])
    assert pending_events(intake_context, ENROLLMENTS, "intake.diagnoses.updated") == []


def test_another_sites_enrollments_diagnoses_are_404(intake):
    enrollment = admit(intake, register(intake))
    assert put_diagnoses(intake, enrollment["id"], [{"code": "F33.1", "rank": 1}], headers=OTHER_SITE).status_code \
        == 404


# --- changes of level of care ----------------------------------------------------------------

def test_a_step_down_from_php_to_iop_keeps_the_episode_and_emits_level_of_care_changed(intake, intake_context):
    enrollment = php_admission(intake)
    answer = change_level(intake, enrollment["id"], reason="Stable; steps down.")
    assert answer.status_code == 200
    assert (answer.json["status"], answer.json["program"], answer.json["level_of_care"]) == ("active", "mh-adult",
                                                                                             "2.1")
    assert [(p["program"], p["start_date"], p["end_date"]) for p in answer.json["periods"]] == [
        ("php-adult", days_ago(14), days_ago(1)), ("mh-adult", days_ago(0), None)]
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.level_of_care.changed")
    assert (event["payload"]["previous_level_of_care"], event["payload"]["level_of_care"]) == ("2.5", "2.1")
    assert pending_events(intake_context, ENROLLMENTS, "intake.enrollment.discharged") == []


def test_the_new_program_plans_its_own_length_from_the_effective_date(intake):
    enrollment = php_admission(intake)
    answer = change_level(intake, enrollment["id"], effective_date=days_ago(2)).json
    assert (answer["planned_weeks"], answer["planned_end_date"]) == (8, days_ago(2 - 55))


@pytest.mark.parametrize("change, field", [
    ({"program": "php-adult"}, "program"),
    ({"program": "residential"}, "program"),
    ({"effective_date": 14}, "effective_date"),
    ({"effective_date": -31}, "effective_date"),
    ({"effective_date": "2026-02-30"}, "effective_date"),
    ({"reason": ""}, "reason"),
], ids=["the current program", "not in the catalog", "on the period's start", "31 days ahead", "no such day",
        "an empty reason"])
def test_an_invalid_change_of_level_of_care_is_422_naming_the_field(intake, intake_context, change, field):
    enrollment = php_admission(intake)
    if isinstance(change.get("effective_date"), int):  # days back, counted from the site's today in the test
        change = {**change, "effective_date": days_ago(change["effective_date"])}
    answer = change_level(intake, enrollment["id"], **change)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])
    assert pending_events(intake_context, ENROLLMENTS, "intake.level_of_care.changed") == []


def test_an_ended_enrollment_cannot_change_its_level_of_care(intake):
    enrollment = php_admission(intake)
    discharge(intake, enrollment["id"], "completed", days_ago(1))
    assert change_level(intake, enrollment["id"]).status_code == 409


def test_another_sites_enrollment_cannot_change_its_level_of_care(intake):
    assert change_level(intake, php_admission(intake)["id"], headers=OTHER_SITE).status_code == 404


def test_completing_after_a_step_down_completes_the_current_program_and_ends_the_last_period(
        intake, intake_context):
    enrollment = php_admission(intake)
    change_level(intake, enrollment["id"], effective_date=days_ago(7))
    answer = discharge(intake, enrollment["id"], "completed", days_ago(0))
    assert [p["end_date"] for p in answer.json["periods"]] == [days_ago(8), days_ago(0)]
    [completed] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")
    assert (completed["payload"]["program"], completed["payload"]["start_date"]) == ("mh-adult", days_ago(14))


def test_a_discharge_before_the_current_periods_start_is_422_on_discharge_date(intake):
    enrollment = php_admission(intake)
    change_level(intake, enrollment["id"], effective_date=days_ago(3))
    answer = discharge(intake, enrollment["id"], "completed", days_ago(5))
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["discharge_date"])


# --- TEDS-D outcomes -------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["death", "incarcerated"])
def test_death_and_incarceration_discharge_the_enrollment(intake, intake_context, outcome):
    enrollment = admit(intake, register(intake))
    answer = discharge(intake, enrollment["id"], outcome)
    assert (answer.status_code, answer.json["status"], answer.json["outcome"]) == (200, "discharged", outcome)
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.discharged")
    assert event["payload"]["outcome"] == outcome


# --- the re-measurement sweep ----------------------------------------------------------------

def test_a_missed_phq9_of_a_program_with_a_cadence_raises_measurement_overdue_once(intake, intake_context, sites):
    mpls = sites.get("mpls")
    programs = {**mpls.programs, "mh-adult": replace(mpls.programs["mh-adult"], cadence={"phq9_every_weeks": 1})}
    cadenced = Sites({"mpls": replace(mpls, programs=programs)}, {})
    enrollment = admit(intake, register(intake), start_date=days_ago(20))
    swept = [sweep_overdue_measurements(intake_context.store, cadenced, "intake") for _ in range(2)]
    [overdue] = pending_events(intake_context, ENROLLMENTS, "intake.measurement.overdue")
    assert (swept, overdue["payload"]["due_date"]) == ([1, 0], days_ago(13))
    shown = intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json
    assert shown["measurement_overdue"] == [{"instrument": "PHQ-9", "due_date": days_ago(13)}]
