"""Intake's discharge over HTTP, on the database server, events read from the outbox."""
import pytest

from services.intake.store import ENROLLMENTS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, discharge, register

OTHER_OUTCOMES = ["against_advice", "administrative", "transferred", "other"]


def discharge_events(intake_context):
    return [event for event in pending_events(intake_context, ENROLLMENTS)
            if event["event_type"] in ("intake.enrollment.completed", "intake.enrollment.discharged")]


def test_completed_discharge_writes_exactly_one_completion_event(intake, intake_context):
    enrollment = admit(intake, register(intake))
    first = discharge(intake, enrollment["id"], "completed")
    second = discharge(intake, enrollment["id"], "completed")
    assert (first.status_code, first.json["status"]) == (200, "completed")
    assert second.status_code == 409
    assert second.content_type == "application/problem+json"
    completions = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")
    assert [event["payload"]["enrollment_id"] for event in completions] == [enrollment["id"]]


@pytest.mark.parametrize("outcome", OTHER_OUTCOMES)
def test_other_outcomes_set_status_discharged_and_emit_discharged(intake, intake_context, outcome):
    enrollment = admit(intake, register(intake))
    answer = discharge(intake, enrollment["id"], outcome)
    assert (answer.json["status"], answer.json["outcome"]) == ("discharged", outcome)
    assert [e["event_type"] for e in discharge_events(intake_context)] == ["intake.enrollment.discharged"]


def test_a_second_discharge_with_another_outcome_is_409_and_emits_nothing_more(intake, intake_context):
    enrollment = admit(intake, register(intake))
    discharge(intake, enrollment["id"], "against_advice")
    assert discharge(intake, enrollment["id"], "completed").status_code == 409
    assert [e["event_type"] for e in discharge_events(intake_context)] == ["intake.enrollment.discharged"]


def test_retried_discharge_with_the_same_idempotency_key_replays_the_first_answer(intake, intake_context):
    enrollment = admit(intake, register(intake))
    headers = {**CLINICIAN, "Idempotency-Key": "discharge-1"}
    first = discharge(intake, enrollment["id"], "completed", days_ago(1), headers=headers)
    again = discharge(intake, enrollment["id"], "completed", days_ago(1), headers=headers)
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")) == 1


def test_the_completion_event_carries_codes_and_dates_but_not_the_notes(intake, intake_context):
    enrollment = admit(intake, register(intake), start_date=days_ago(56))
    discharge(intake, enrollment["id"], "completed", days_ago(1), notes="Doing well; lives with sister.",
              step_down={"level_of_care": "outpatient_therapy", "provider": "npi:1234567893"})
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.completed")
    assert event["payload"] == {
        "enrollment_id": enrollment["id"], "patient_id": enrollment["patient_id"], "program": "mh-adult",
        "start_date": days_ago(56), "discharge_date": days_ago(1), "outcome": "completed",
        "step_down": {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"},
    }


def test_the_discharge_is_kept_on_the_enrollment_with_its_status_history(intake):
    enrollment = admit(intake, register(intake))
    discharge(intake, enrollment["id"], "completed", days_ago(1), notes="Doing well.")
    stored = intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json
    assert stored["discharge"] == {"date": days_ago(1), "step_down": None, "notes": "Doing well."}
    assert [(change["from"], change["to"]) for change in stored["status_history"]] == [
        (None, "active"), ("active", "completed")]


def test_a_discharge_frees_the_program_for_a_new_admission(intake):
    patient_id = register(intake)
    discharge(intake, admit(intake, patient_id, start_date=days_ago(60))["id"], "against_advice", days_ago(30))
    readmitted = admit(intake, patient_id, start_date=days_ago(7))
    assert readmitted["status"] == "active"


def test_two_ended_enrollments_of_one_patient_do_not_clash(intake):
    patient_id = register(intake)
    discharge(intake, admit(intake, patient_id, start_date=days_ago(60))["id"], "against_advice", days_ago(40))
    second = admit(intake, patient_id, start_date=days_ago(30))
    assert discharge(intake, second["id"], "completed", days_ago(1)).status_code == 200


def test_a_discharge_on_the_start_day_is_allowed(intake):
    enrollment = admit(intake, register(intake), start_date=days_ago(0))
    assert discharge(intake, enrollment["id"], "against_advice", days_ago(0)).status_code == 200


def test_discharge_before_the_start_date_is_refused_field_by_field_and_changes_nothing(intake, intake_context):
    enrollment = admit(intake, register(intake), start_date=days_ago(10))
    answer = discharge(intake, enrollment["id"], "completed", days_ago(11))
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["discharge_date"]
    assert intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json["status"] == "active"
    assert discharge_events(intake_context) == []


def test_a_discharge_date_after_the_sites_today_is_refused_on_the_discharge_date_field(intake, intake_context):
    enrollment = admit(intake, register(intake))
    answer = discharge(intake, enrollment["id"], "completed", days_ago(-1))
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["discharge_date"])
    assert discharge_events(intake_context) == []


@pytest.mark.parametrize("body, field", [
    ({"outcome": "graduated", "discharge_date": "2026-01-05"}, "outcome"),
    ({"discharge_date": "2026-01-05"}, "outcome"),
    ({"outcome": "completed"}, "discharge_date"),
    ({"outcome": "completed", "discharge_date": "05/01/2026"}, "discharge_date"),
    ({"outcome": "completed", "discharge_date": "2026-01-05", "step_down": {"level_of_care": "spa"}},
     "step_down.level_of_care"),
    ({"outcome": "completed", "discharge_date": "2026-01-05", "step_down": {"level_of_care": "php",
                                                                             "provider": "   "}},
     "step_down.provider"),
    ({"outcome": "completed", "discharge_date": "2026-01-05", "rating": 5}, "rating"),
])
def test_an_invalid_discharge_body_is_422_on_the_field(intake, body, field):
    enrollment = admit(intake, register(intake))
    answer = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge", json=body, headers=CLINICIAN)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert list(answer.json["errors"]) == [field]


def test_another_sites_enrollment_answers_404_as_if_it_did_not_exist(intake, intake_context):
    enrollment = admit(intake, register(intake))
    assert discharge(intake, enrollment["id"], "completed", headers=OTHER_SITE).status_code == 404
    assert discharge_events(intake_context) == []
