"""Treatment's handlers called directly on a service context: what they store and emit, and that a
redelivery (or a late, earlier event) changes nothing."""
from datetime import date, datetime, timedelta, timezone

from services.treatment.store import DISCHARGE_SUMMARIES, ENROLLMENTS, NOTES
from tests.conftest import CLINICIAN, pending_events
from tests.integration.treatment.conftest import (
    GROUP_STARTS_AT,
    SITE,
    active_plan,
    admitted_enrollment,
    attendance_event,
    deliver,
    discharge_event,
    event,
)


def enrollment_record(context, enrollment_id):
    return context.store.enrollments.find_one({"site_id": SITE, "enrollment_id": enrollment_id})


def test_an_admission_and_diagnoses_are_recorded_once_however_often_they_come(treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    admitted_again = event("intake.enrollment.admitted", {
        "enrollment_id": enrollment_id, "patient_id": "p", "program": "mh-adult", "start_date": date(2026, 11, 16),
        "planned_weeks": 8, "planned_end_date": date(2027, 1, 11)})
    deliver(treatment_context, admitted_again)
    deliver(treatment_context, admitted_again)
    assert treatment_context.db[ENROLLMENTS].count_documents({"enrollment_id": enrollment_id}) == 1
    record = enrollment_record(treatment_context, enrollment_id)
    assert (record["start_date"], [d["code"] for d in record["diagnoses"]]) == (date(2026, 11, 16), ["F33.1", "F41.1"])


def test_an_earlier_diagnosis_report_arriving_late_does_not_replace_the_latest(treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context, codes=())
    now = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    for code, at in (("F41.1", now), ("F33.1", now - timedelta(hours=1))):
        deliver(treatment_context, event("intake.diagnoses.updated", {
            "enrollment_id": enrollment_id, "patient_id": patient_id,
            "diagnoses": [{"code": code, "rank": 1}]}, occurred_at=at))
    assert [d["code"] for d in enrollment_record(treatment_context, enrollment_id)["diagnoses"]] == ["F41.1"]


def test_a_level_of_care_change_makes_a_review_of_the_plan_in_force_due_on_its_day(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    plan = active_plan(treatment, enrollment_id)
    change = event("intake.level_of_care.changed", {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": "php-adult",
        "previous_program": "mh-adult", "level_of_care": "2.5", "previous_level_of_care": "2.1",
        "effective_date": date(2026, 12, 1), "planned_end_date": date(2027, 1, 11)})
    deliver(treatment_context, change)
    deliver(treatment_context, change)
    plan = treatment.get(f"/v1/plans/{plan['id']}", headers=CLINICIAN).json
    assert (plan["next_review_date"], plan["level_of_care_reviews"]) == ("2026-12-01", ["2026-12-01"])
    assert enrollment_record(treatment_context, enrollment_id)["program"] == "php-adult"


def test_a_redelivered_attendance_keeps_one_note_and_one_group_meeting(treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    recorded = attendance_event(enrollment_id, patient_id, "session-1", session_kind="group", group_id="grp-1",
                                starts_at=GROUP_STARTS_AT)
    deliver(treatment_context, recorded)
    deliver(treatment_context, recorded)
    assert treatment_context.db[NOTES].count_documents({"session_id": "session-1"}) == 1
    assert treatment_context.db["group_sessions"].count_documents({"group_id": "grp-1"}) == 1


def test_attendance_without_session_details_opens_an_individual_note(treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "session-1"))
    note = treatment_context.store.notes.find_one({"session_id": "session-1"})
    assert (note["kind"], note["group_session_id"]) == ("individual", None)


def test_a_correction_to_absent_voids_the_draft(treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    at = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "s-1", occurred_at=at))
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "s-1", status="absent",
                                                occurred_at=at + timedelta(minutes=5)))
    assert treatment_context.store.notes.find_one({"session_id": "s-1"})["status"] == "void"


def test_a_discharge_delivered_twice_makes_one_summary_and_one_event(treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    ended = discharge_event(enrollment_id, patient_id)
    deliver(treatment_context, ended)
    deliver(treatment_context, ended)
    assert treatment_context.db[DISCHARGE_SUMMARIES].count_documents({"enrollment_id": enrollment_id}) == 1
    [drafted] = pending_events(treatment_context, DISCHARGE_SUMMARIES, "treatment.discharge_summary.drafted")
    assert (drafted["causation_id"], drafted["correlation_id"], drafted["producer"]) == (
        ended.event_id, ended.correlation_id, "treatment")
    assert enrollment_record(treatment_context, enrollment_id)["status"] == "completed"


def test_events_carry_no_text_of_plans_or_notes(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    active_plan(treatment, enrollment_id)
    deliver(treatment_context, discharge_event(enrollment_id, patient_id))
    for collection in ("plans", "notes", "discharge_summaries", "enrollments"):
        for envelope in pending_events(treatment_context, collection):
            assert "Objective" not in str(envelope["payload"]) and "Problem" not in str(envelope["payload"])
