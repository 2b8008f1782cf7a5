"""Notes on the in-memory store: attendance opens one draft per session and patient (a group meeting's
attendees share its narrative), absence voids it, signing locks it, addenda amend it."""
from datetime import timedelta

import pytest

from services.treatment.store import NOTES, group_session_id_for, note_id_for
from services.treatment.use_cases import notes, plans
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.treatment.support import (
    GROUP_STARTS_AT,
    NOW,
    OTHER_SITE,
    SITE,
    active_plan,
    admitted,
    attendance,
    deliver,
    events,
    group_attendance,
    objective_ids,
    request,
)

DAP = {"format": "DAP", "sections": {"data": "d", "assessment": "a", "plan": "p"}, "objective_ids": []}


def attend(store, site, event):
    return deliver(store, site, event, notes.record_attendance)


def the_note(store, session_id="ses-1", patient_id="pat-1"):
    return notes.find_note(store, SITE, note_id_for(SITE, session_id, patient_id))


def test_present_opens_a_draft_note_for_that_patient_and_session(store, site):
    attend(store, site, attendance())
    note = the_note(store)
    assert (note["status"], note["kind"], note["format"], note["session_id"], note["enrollment_id"]) == (
        "draft", "individual", "DAP", "ses-1", "enr-1")


def test_a_session_scheduling_does_not_describe_is_individual_and_due_72_hours_after_attendance(store, site):
    attend(store, site, attendance(occurred_at=NOW - timedelta(hours=1)))
    assert the_note(store)["due_at"] == NOW + timedelta(hours=71)


def test_absent_or_excused_opens_no_draft(store, site):
    attend(store, site, attendance(status="absent"))
    attend(store, site, attendance("ses-2", status="excused"))
    assert store.notes.count({"status": "draft"}) == 0


def test_a_redelivered_attendance_keeps_one_note(store, site):
    event = attendance()
    attend(store, site, event)
    attend(store, site, event)
    assert store.notes.count({"session_id": "ses-1"}) == 1


def test_a_correction_to_absent_voids_the_draft_and_back_to_present_reopens_it(store, site):
    attend(store, site, attendance(occurred_at=NOW - timedelta(hours=3)))
    attend(store, site, attendance(status="absent", occurred_at=NOW - timedelta(hours=2)))
    assert the_note(store)["status"] == "void"
    attend(store, site, attendance(occurred_at=NOW - timedelta(hours=1)))
    assert the_note(store)["status"] == "draft"


def test_an_absence_arriving_before_the_earlier_present_still_wins(store, site):
    attend(store, site, attendance(status="absent", occurred_at=NOW - timedelta(hours=1)))
    attend(store, site, attendance(occurred_at=NOW - timedelta(hours=2)))
    assert the_note(store)["status"] == "void"


def test_a_group_meeting_gives_each_attendee_a_note_sharing_its_narrative(store, site):
    for number, patient in enumerate(("pat-a", "pat-b", "pat-c")):
        attend(store, site, group_attendance(f"ses-{number}", patient))
    meeting_id = group_session_id_for(SITE, "grp-1", GROUP_STARTS_AT)
    meeting = notes.write_group_narrative(store, request(), meeting_id, "Topic: relapse triggers")
    assert len(meeting["note_ids"]) == 3
    read = notes.with_group_narratives(store, SITE, store.notes.find({"group_session_id": meeting_id}))
    assert {(note["kind"], note["group_narrative"]) for note in read} == {("group", "Topic: relapse triggers")}
    assert {note["session_starts_at"] for note in read} == {GROUP_STARTS_AT}


def test_each_group_note_keeps_its_own_sections(store, site):
    attend(store, site, group_attendance("ses-a", "pat-a"))
    attend(store, site, group_attendance("ses-b", "pat-b"))
    notes.edit_note(store, request(), note_id_for(SITE, "ses-a", "pat-a"),
                    {**DAP, "sections": {"data": "Shared two triggers."}})
    assert the_note(store, "ses-b", "pat-b")["sections"]["data"] is None


def test_an_absent_group_member_is_not_among_the_meetings_notes(store, site):
    attend(store, site, group_attendance("ses-a", "pat-a"))
    attend(store, site, group_attendance("ses-b", "pat-b", status="absent"))
    meeting_id = group_session_id_for(SITE, "grp-1", GROUP_STARTS_AT)
    assert notes.with_attendee_notes(store, SITE, {"_id": meeting_id})["note_ids"] == [
        note_id_for(SITE, "ses-a", "pat-a")]


def test_a_note_links_the_objectives_of_the_enrollments_plan(store, site):
    admitted(store, site)
    objective = objective_ids(active_plan(store, site))[0]
    attend(store, site, attendance())
    note = notes.edit_note(store, request(), the_note(store)["_id"], {**DAP, "objective_ids": [objective]})
    assert note["objective_ids"] == [objective]
    with pytest.raises(Invalid):
        notes.edit_note(store, request(), note["_id"], {**DAP, "objective_ids": ["not-an-objective"]})


def test_a_signed_note_is_locked_but_takes_addenda(store, site):
    attend(store, site, attendance())
    note_id = the_note(store)["_id"]
    notes.edit_note(store, request(), note_id, DAP)
    signed = notes.sign_note(store, request(), note_id, "staff-1")
    assert (signed["status"], signed["late_entry"]) == ("signed", False)
    with pytest.raises(Conflict):
        notes.edit_note(store, request(), note_id, DAP)
    amended = notes.add_addendum(store, request(), note_id, "Correction: 50 minutes.", "staff-1")
    assert ([a["text"] for a in amended["addenda"]], amended["sections"]) == (["Correction: 50 minutes."], DAP["sections"])
    [signed_event] = events(store, NOTES, "treatment.note.signed")
    assert signed_event["payload"]["note_id"] == note_id


def test_a_note_signed_more_than_72_hours_after_its_session_is_a_late_entry(store, site):
    attend(store, site, attendance(starts_at=NOW - timedelta(hours=73), session_kind="individual_therapy"))
    note_id = the_note(store)["_id"]
    notes.edit_note(store, request(), note_id, DAP)
    assert notes.sign_note(store, request(), note_id, "staff-1")["late_entry"] is True
    assert events(store, NOTES, "treatment.note.signed")[0]["payload"]["late_entry"] is True


def test_a_group_note_is_signed_with_the_narrative_of_the_moment_and_keeps_it(store, site):
    attend(store, site, group_attendance("ses-a", "pat-a"))
    meeting_id = group_session_id_for(SITE, "grp-1", GROUP_STARTS_AT)
    note_id = note_id_for(SITE, "ses-a", "pat-a")
    notes.edit_note(store, request(), note_id, DAP)
    with pytest.raises(Invalid):
        notes.sign_note(store, request(), note_id, "staff-1")
    notes.write_group_narrative(store, request(), meeting_id, "First version")
    notes.sign_note(store, request(), note_id, "staff-1")
    notes.write_group_narrative(store, request(), meeting_id, "Second version")
    [read] = notes.with_group_narratives(store, SITE, [notes.find_note(store, SITE, note_id)])
    assert read["group_narrative"] == "First version"


def test_another_sites_note_is_not_found(store, site):
    attend(store, site, attendance())
    note_id = the_note(store)["_id"]
    with pytest.raises(NotFound):
        notes.edit_note(store, request(OTHER_SITE), note_id, DAP)
    with pytest.raises(NotFound):
        notes.sign_note(store, request(OTHER_SITE), note_id, "staff-1")
    with pytest.raises(NotFound):
        notes.add_addendum(store, request(OTHER_SITE), note_id, "x", "staff-1")


def test_objectives_of_every_version_of_the_enrollments_plan_may_be_linked(store, site):
    admitted(store, site)
    first = active_plan(store, site)
    plans.revise_plan(store, request(), site, first["_id"])
    assert plans.objective_ids_of_enrollment(store, SITE, "enr-1") == set(objective_ids(first))
