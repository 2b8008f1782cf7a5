"""Admission into a program and changes of its planned length, over HTTP."""
from datetime import timedelta

import pytest

from services.intake.store import ENROLLMENTS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.intake.helpers import admit, days_ago, discharge, register, site_today


def test_an_admission_is_active_with_its_planned_end_and_emits_admitted(intake, intake_context):
    patient_id = register(intake)
    enrollment = admit(intake, patient_id, start_date="2026-09-07", group_id="5d6c2b1a-0e9f-4a8b-9c7d-6e5f4a3b2c1d")
    assert (enrollment["status"], enrollment["planned_weeks"], enrollment["planned_end_date"]) == (
        "active", 8, "2026-11-01")
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.admitted")
    assert event["payload"] == {
        "enrollment_id": enrollment["id"], "patient_id": patient_id, "program": "mh-adult", "level_of_care": "2.1",
        "start_date": "2026-09-07", "planned_weeks": 8, "planned_end_date": "2026-11-01", "group_id": "5d6c2b1a-0e9f-4a8b-9c7d-6e5f4a3b2c1d",
    }


def test_an_admission_starts_its_status_history(intake):
    enrollment = admit(intake, register(intake))
    assert [(change["from"], change["to"]) for change in enrollment["status_history"]] == [(None, "active")]


def test_an_admission_keeps_an_explicit_planned_length(intake):
    assert admit(intake, register(intake), planned_weeks=12)["planned_weeks"] == 12


def test_a_second_active_enrollment_in_the_same_program_is_409(intake, intake_context):
    patient_id = register(intake)
    admit(intake, patient_id)
    again = intake.post("/v1/enrollments", json={"patient_id": patient_id, "program": "mh-adult",
                                                 "start_date": days_ago(1)}, headers=CLINICIAN)
    assert again.status_code == 409
    assert len(pending_events(intake_context, ENROLLMENTS, "intake.enrollment.admitted")) == 1


def test_a_patient_may_be_active_in_two_programs_at_once(intake):
    patient_id = register(intake)
    admit(intake, patient_id, program="mh-adult")
    assert admit(intake, patient_id, program="sud-adult")["status"] == "active"


@pytest.mark.parametrize("body, field", [
    ({"program": "mh-adult", "start_date": "2026-09-07"}, "patient_id"),
    ({"patient_id": "PATIENT", "program": "residential", "start_date": "2026-09-07"}, "program"),
    ({"patient_id": "PATIENT", "program": "mh-adult"}, "start_date"),
    ({"patient_id": "PATIENT", "program": "mh-adult", "start_date": "2026-02-30"}, "start_date"),
    ({"patient_id": "PATIENT", "program": "mh-adult", "start_date": "2026-09-07", "planned_weeks": 3}, "planned_weeks"),
    ({"patient_id": "PATIENT", "program": "mh-adult", "start_date": "2026-09-07", "planned_weeks": "8"},
     "planned_weeks"),
    ({"patient_id": "PATIENT", "program": "mh-adult", "start_date": "2026-09-07", "ward": "B"}, "ward"),
])
def test_an_invalid_admission_is_422_on_the_field(intake, body, field):
    patient_id = register(intake)
    body = {key: patient_id if value == "PATIENT" else value for key, value in body.items()}
    answer = intake.post("/v1/enrollments", json=body, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


def test_admitting_another_sites_patient_is_422_on_patient_id(intake):
    patient_id = register(intake, headers=OTHER_SITE)
    answer = intake.post("/v1/enrollments", json={"patient_id": patient_id, "program": "mh-adult",
                                                  "start_date": days_ago(1)}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient_id"])


def test_enrollments_are_listed_by_patient_and_status(intake):
    first, second = register(intake, mrn="MRN-1"), register(intake, mrn="MRN-2")
    wanted = admit(intake, first)
    discharge(intake, admit(intake, second)["id"], "other")
    listed = intake.get(f"/v1/enrollments?patient_id={first}&status=active", headers=CLINICIAN)
    assert [enrollment["id"] for enrollment in listed.json] == [wanted["id"]]


def test_another_sites_enrollment_is_404_and_absent_from_lists(intake):
    enrollment = admit(intake, register(intake))
    assert intake.get(f"/v1/enrollments/{enrollment['id']}", headers=OTHER_SITE).status_code == 404
    assert intake.get("/v1/enrollments", headers=OTHER_SITE).json == []


# --- planned length ---------------------------------------------------------------------

def change_length(intake, enrollment_id, weeks, headers=CLINICIAN, **fields):
    return intake.post(f"/v1/enrollments/{enrollment_id}/planned-length",
                       json={"planned_weeks": weeks, **fields}, headers=headers)


def test_a_longer_program_moves_the_planned_end_and_emits_length_changed(intake, intake_context):
    start = site_today() - timedelta(days=14)
    enrollment = admit(intake, register(intake), start_date=start.isoformat())
    answer = change_length(intake, enrollment["id"], 10, reason="Slow progress on PHQ-9.")
    new_end = (start + timedelta(days=10 * 7 - 1)).isoformat()
    assert (answer.status_code, answer.json["planned_weeks"], answer.json["planned_end_date"]) == (200, 10, new_end)
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.length_changed")
    assert event["payload"] == {"enrollment_id": enrollment["id"], "patient_id": enrollment["patient_id"],
                                "planned_weeks": 10, "planned_end_date": new_end,
                                "previous_planned_end_date": enrollment["planned_end_date"]}


def test_a_length_change_is_kept_with_its_reason_on_the_enrollment(intake):
    enrollment = admit(intake, register(intake))
    change_length(intake, enrollment["id"], 10, reason="Slow progress on PHQ-9.")
    [change] = intake.get(f"/v1/enrollments/{enrollment['id']}", headers=CLINICIAN).json["length_changes"]
    assert (change["from_weeks"], change["to_weeks"], change["reason"]) == (8, 10, "Slow progress on PHQ-9.")


def test_the_length_change_event_carries_no_reason(intake, intake_context):
    enrollment = admit(intake, register(intake))
    change_length(intake, enrollment["id"], 10, reason="Slow progress on PHQ-9.")
    [event] = pending_events(intake_context, ENROLLMENTS, "intake.enrollment.length_changed")
    assert "reason" not in event["payload"]


def test_shortening_so_the_program_would_have_ended_in_the_past_is_422(intake, intake_context):
    enrollment = admit(intake, register(intake), start_date=(site_today() - timedelta(weeks=6)).isoformat())
    answer = change_length(intake, enrollment["id"], 4)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["planned_weeks"])
    assert pending_events(intake_context, ENROLLMENTS, "intake.enrollment.length_changed") == []


@pytest.mark.parametrize("weeks", [3, 27, "10", None])
def test_a_planned_length_outside_4_to_26_integer_weeks_is_422(intake, weeks):
    enrollment = admit(intake, register(intake))
    answer = change_length(intake, enrollment["id"], weeks)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["planned_weeks"])


def test_the_length_of_an_ended_enrollment_cannot_change(intake):
    enrollment = admit(intake, register(intake))
    discharge(intake, enrollment["id"], "completed")
    assert change_length(intake, enrollment["id"], 10).status_code == 409


def test_another_sites_enrollment_length_is_404(intake):
    enrollment = admit(intake, register(intake))
    assert change_length(intake, enrollment["id"], 10, headers=OTHER_SITE).status_code == 404

