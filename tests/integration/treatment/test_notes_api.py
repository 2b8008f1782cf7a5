"""Session notes over HTTP: opened by attendance (a group meeting's attendees sharing its narrative),
written, signed and locked, amended by addenda, late entries marked."""
from datetime import datetime, timedelta, timezone

from tests.conftest import CLINICIAN, pending_events
from tests.integration.treatment.conftest import (
    DAP,
    GROUP_STARTS_AT,
    active_plan,
    admitted_enrollment,
    attendance_event,
    deliver,
    objective_ids,
    only_note,
)

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)  # the pinned clock


def attended_group(context, patients: int = 3, **session):
    """One group meeting attended by ``patients`` patients; their enrollment ids."""
    enrollments = []
    for _ in range(patients):
        enrollment_id, patient_id = admitted_enrollment(context)
        deliver(context, attendance_event(enrollment_id, patient_id, session_kind="group", group_id="grp-morning",
                                          group_modality="group_therapy", starts_at=GROUP_STARTS_AT, **session))
        enrollments.append(enrollment_id)
    return enrollments


def test_attendance_present_opens_a_draft_note_for_that_patient_and_session(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "session-1"))
    note = only_note(treatment, enrollment_id)
    assert (note["status"], note["kind"], note["format"], note["session_id"], note["patient_id"]) == (
        "draft", "individual", "DAP", "session-1", patient_id)
    assert note["sections"] == {"data": None, "assessment": None, "plan": None}


def test_a_group_meeting_gives_each_attendee_a_note_sharing_the_groups_narrative(treatment, treatment_context):
    enrollments = attended_group(treatment_context)
    notes = [only_note(treatment, enrollment_id) for enrollment_id in enrollments]
    assert {note["kind"] for note in notes} == {"group"}
    [meeting_id] = {note["group_session_id"] for note in notes}
    written = treatment.put(f"/v1/group-sessions/{meeting_id}", json={"narrative": "Topic: relapse triggers."},
                            headers=CLINICIAN)
    assert written.status_code == 200
    assert sorted(written.json["note_ids"]) == sorted(note["id"] for note in notes)
    assert {only_note(treatment, e)["group_narrative"] for e in enrollments} == {"Topic: relapse triggers."}
    # Each attendee keeps an individual section of their own.
    treatment.put(f"/v1/notes/{notes[0]['id']}", json=DAP, headers=CLINICIAN)
    assert only_note(treatment, enrollments[1])["sections"]["data"] is None


def test_a_signed_note_refuses_edits_but_takes_an_addendum(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, starts_at=NOW - timedelta(hours=2),
                                                session_kind="individual_therapy"))
    note = only_note(treatment, enrollment_id)
    assert treatment.put(f"/v1/notes/{note['id']}", json=DAP, headers=CLINICIAN).status_code == 200
    signed = treatment.post(f"/v1/notes/{note['id']}/sign", json={"signer": "staff-0042"}, headers=CLINICIAN)
    assert signed.status_code == 200
    assert (signed.json["status"], signed.json["late_entry"], signed.json["signed_by"]) == ("signed", False, "staff-0042")
    refused = treatment.put(f"/v1/notes/{note['id']}", json=DAP, headers=CLINICIAN)
    assert (refused.status_code, refused.mimetype) == (409, "application/problem+json")
    assert treatment.post(f"/v1/notes/{note['id']}/sign", json={"signer": "staff-0042"}, headers=CLINICIAN).status_code == 409
    amended = treatment.post(f"/v1/notes/{note['id']}/addenda", json={"text": "Correction: 50 minutes.",
                                                                      "signer": "staff-0042"}, headers=CLINICIAN)
    assert amended.status_code == 201
    [addendum] = amended.json["addenda"]
    assert (addendum["text"], addendum["signer"], addendum["signed_at"]) == (
        "Correction: 50 minutes.", "staff-0042", "2026-11-26T18:00:00+00:00")
    assert amended.json["sections"] == DAP["sections"]
    [event] = pending_events(treatment_context, "notes", "treatment.note.signed")
    assert event["payload"] == {"note_id": note["id"], "enrollment_id": enrollment_id, "patient_id": patient_id,
                                "session_id": note["session_id"], "kind": "individual", "late_entry": False}


def test_a_draft_takes_no_addendum_and_an_unwritten_note_is_not_signed(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id))
    note = only_note(treatment, enrollment_id)
    assert treatment.post(f"/v1/notes/{note['id']}/addenda", json={"text": "x", "signer": "staff-1"},
                          headers=CLINICIAN).status_code == 409
    answer = treatment.post(f"/v1/notes/{note['id']}/sign", json={"signer": "staff-1"}, headers=CLINICIAN)
    assert (answer.status_code, sorted(answer.json["errors"])) == (
        422, ["sections.assessment", "sections.data", "sections.plan"])


def test_a_note_signed_more_than_72_hours_after_its_session_is_a_late_entry(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, starts_at=NOW - timedelta(hours=80),
                                                session_kind="individual_therapy"))
    note = only_note(treatment, enrollment_id)
    treatment.put(f"/v1/notes/{note['id']}", json=DAP, headers=CLINICIAN)
    signed = treatment.post(f"/v1/notes/{note['id']}/sign", json={"signer": "staff-1"}, headers=CLINICIAN).json
    assert signed["late_entry"] is True
    assert pending_events(treatment_context, "notes", "treatment.note.signed")[0]["payload"]["late_entry"] is True


def test_a_note_links_the_objectives_it_addresses(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    objective = objective_ids(active_plan(treatment, enrollment_id))[0]
    deliver(treatment_context, attendance_event(enrollment_id, patient_id))
    note = only_note(treatment, enrollment_id)
    linked = treatment.put(f"/v1/notes/{note['id']}", json={**DAP, "objective_ids": [objective]}, headers=CLINICIAN)
    assert linked.json["objective_ids"] == [objective]
    unknown = treatment.put(f"/v1/notes/{note['id']}", json={**DAP, "objective_ids": ["nope"]}, headers=CLINICIAN)
    assert (unknown.status_code, list(unknown.json["errors"])) == (422, ["objective_ids.0"])


def test_a_section_not_of_the_form_is_refused(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id))
    note = only_note(treatment, enrollment_id)
    answer = treatment.put(f"/v1/notes/{note['id']}", json={"format": "SOAP", "sections": {"data": "x"}},
                           headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["sections.data"])


def test_notes_are_listed_by_enrollment_status_and_kind_and_void_ones_only_when_asked(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "s-1"))
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "s-2", session_kind="medication_check_in"))
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "s-3", status="absent"))

    def listed(**query):
        answer = treatment.get("/v1/notes", query_string={"enrollment_id": enrollment_id, **query}, headers=CLINICIAN)
        return sorted(note["session_id"] for note in answer.json)

    assert listed() == ["s-1", "s-2"]
    assert listed(kind="medication_management") == ["s-2"]
    assert listed(status="void") == ["s-3"]
    assert listed(status="signed") == []
