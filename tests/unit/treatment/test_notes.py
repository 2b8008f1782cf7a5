"""Session note rules: which kind a session's note is, attendance opening and voiding it, writing,
signing and locking it, late entries, addenda, and when an unsigned note is overdue."""
from datetime import datetime, timedelta, timezone

import pytest

from services.treatment.domain import notes as rules
from shared.errors import Conflict, Invalid
from shared.events.registry import DomainEvent

STARTS = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
DUE = STARTS + timedelta(hours=72)
ATTENDANCE = {"session_id": "ses-1", "enrollment_id": "enr-1", "patient_id": "pat-1", "status": "present"}


def a_note(status="present", group_session_id=None, kind="individual", note_format="DAP") -> dict:
    return rules.new_note("note-1", {**ATTENDANCE, "status": status}, kind=kind, note_format=note_format,
                          group_session_id=group_session_id, session_starts_at=STARTS, due_at=DUE,
                          attendance_at=STARTS, now=STARTS)


def written(note, **sections) -> dict:
    sections = sections or {"data": "d", "assessment": "a", "plan": "p"}
    changes, _ = rules.edit(note, "DAP", sections, [], set(), STARTS, "front-end")
    return {**note, **changes}


def signed(note, at=STARTS + timedelta(hours=2), narrative=None) -> dict:
    changes, _ = rules.sign(note, "staff-1", narrative, at, "front-end")
    return {**note, **changes}


@pytest.mark.parametrize("session_kind, modality, kind", [
    (None, None, "individual"), ("individual_therapy", None, "individual"),
    ("medication_check_in", None, "medication_management"), ("group", "group_therapy", "group"),
    ("group", "education", "education"), ("group", "holistic", "holistic"), ("group", "family", "family"),
    ("group", None, "group"), ("something_new", None, "individual"), ("family", None, "family")])
def test_the_kind_of_a_note_follows_the_session(session_kind, modality, kind):
    assert rules.kind_of_session(session_kind, modality) == kind


def test_a_present_patient_gets_a_draft_in_the_sites_form_with_every_section_to_write():
    note = a_note(note_format="BIRP")
    assert (note["status"], note["sections"], note["author_role"]) == (
        "draft", {"behavior": None, "intervention": None, "response": None, "plan": None}, "clinician")


def test_a_medication_management_note_is_written_by_the_prescriber():
    assert a_note(kind="medication_management")["author_role"] == "prescriber"


def test_absent_voids_a_draft_and_present_again_reopens_it_latest_recording_wins():
    note = a_note()
    changes, _ = rules.attendance_recorded(note, "absent", STARTS + timedelta(minutes=5))
    note = {**note, **changes}
    assert note["status"] == "void"
    assert rules.attendance_recorded(note, "present", STARTS + timedelta(minutes=1)) is None
    changes, _ = rules.attendance_recorded(note, "present", STARTS + timedelta(minutes=9))
    assert changes["status"] == "draft"


def test_the_same_recording_again_changes_nothing():
    assert rules.attendance_recorded(a_note(), "present", STARTS) is None


def test_attendance_never_changes_a_signed_note():
    assert rules.attendance_recorded(signed(written(a_note())), "absent", STARTS + timedelta(days=1)) is None


def test_writing_a_draft_keeps_the_forms_sections_and_the_objectives_addressed():
    changes, _ = rules.edit(a_note(), "SOAP", {"subjective": "s"}, ["obj-1", "obj-1"], {"obj-1"}, STARTS, "front-end")
    assert changes["sections"] == {"subjective": "s", "objective": None, "assessment": None, "plan": None}
    assert changes["objective_ids"] == ["obj-1"]


def test_a_section_not_of_the_form_or_an_unknown_objective_is_refused_by_field():
    with pytest.raises(Invalid) as refused:
        rules.edit(a_note(), "DAP", {"behavior": "b"}, ["obj-9"], {"obj-1"}, STARTS, "front-end")
    assert set(refused.value.errors) == {"sections.behavior", "objective_ids.0"}


def test_a_note_with_an_unwritten_section_cannot_be_signed():
    with pytest.raises(Invalid) as refused:
        signed(written(a_note(), data="d", assessment="a"))
    assert list(refused.value.errors) == ["sections.plan"]


def test_a_group_note_needs_the_groups_narrative_and_keeps_it_when_signed():
    note = written(a_note(group_session_id="gs-1", kind="group"))
    with pytest.raises(Invalid) as refused:
        signed(note)
    assert list(refused.value.errors) == ["group_narrative"]
    assert signed(note, narrative="Topic: relapse triggers")["group_narrative"] == "Topic: relapse triggers"


def test_signing_locks_the_note_and_emits_note_signed_with_ids_only():
    changes, events = rules.sign(written(a_note()), "staff-1", None, STARTS + timedelta(hours=1), "front-end")
    assert (changes["status"], changes["signed_by"], changes["late_entry"]) == ("signed", "staff-1", False)
    assert events == [DomainEvent("treatment.note.signed", 1, {
        "note_id": "note-1", "enrollment_id": "enr-1", "patient_id": "pat-1", "session_id": "ses-1",
        "kind": "individual", "late_entry": False})]


def test_a_note_signed_after_it_was_due_is_a_late_entry():
    assert signed(written(a_note()), at=DUE + timedelta(seconds=1))["late_entry"] is True
    assert signed(written(a_note()), at=DUE)["late_entry"] is False


def test_a_signed_note_cannot_be_changed_or_signed_again():
    note = signed(written(a_note()))
    with pytest.raises(Conflict):
        rules.edit(note, "DAP", {}, [], set(), STARTS, "front-end")
    with pytest.raises(Conflict):
        signed(note)


def test_a_void_note_cannot_be_written():
    with pytest.raises(Conflict):
        written(a_note(status="absent"))


def test_a_signed_note_takes_signed_timestamped_addenda_and_stays_as_signed():
    note = signed(written(a_note()))
    at = STARTS + timedelta(days=2)
    changes, events = rules.add_addendum(note, "add-1", "Correction: 50 minutes.", "staff-2", at, "front-end")
    assert (changes["addenda"], events) == ([{"id": "add-1", "text": "Correction: 50 minutes.", "signer": "staff-2",
                                              "signed_at": at, "recorded_by": "front-end"}], [])
    assert set(changes) == {"addenda", "updated_at"}


def test_a_draft_takes_no_addendum():
    with pytest.raises(Conflict):
        rules.add_addendum(a_note(), "add-1", "text", "staff-2", STARTS, "front-end")


def test_an_unsigned_note_is_overdue_once_after_its_due_time():
    note = a_note()
    assert rules.raise_overdue(note, DUE) is None
    changes, [event] = rules.raise_overdue(note, DUE + timedelta(minutes=1))
    assert event.payload == {"note_id": "note-1", "enrollment_id": "enr-1", "patient_id": "pat-1",
                             "session_id": "ses-1", "author_role": "clinician", "due_at": DUE.isoformat()}
    assert rules.raise_overdue({**note, **changes}, DUE + timedelta(days=1)) is None


def test_signed_and_void_notes_are_never_overdue():
    late = DUE + timedelta(days=1)
    assert rules.raise_overdue(signed(written(a_note())), late) is None
    assert rules.raise_overdue(a_note(status="excused"), late) is None
