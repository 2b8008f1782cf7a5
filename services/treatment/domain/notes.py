"""Session notes: one per attended session and patient, written in DAP, BIRP or SOAP form, linked to
the plan objectives the session addressed, signed and then locked; corrections are addenda.

A note is opened as a draft when scheduling records the patient ``present``; recording them
absent or excused afterwards voids the draft, and present again reopens it (the latest recording
wins, whatever order the events arrive in). The attendees of one group meeting share its
narrative (a group session document) and each has their own sections. Signing copies the group's
narrative into the note, so a signed note never changes; a note signed more than the site's
``note_signing_hours`` after its session is a late entry. A note is::

    {_id, enrollment_id, patient_id, session_id, kind, author_role, format, sections: {name: text | None},
     objective_ids: [id], group_session_id, group_narrative, status: "draft" | "signed" | "void",
     session_starts_at, due_at, attendance_at, created_at, updated_at, updated_by,
     signed_at, signed_by, signature_recorded_by, late_entry, overdue_raised_at,
     addenda: [{id, text, signer, signed_at, recorded_by}]}
"""
from datetime import datetime

from shared.errors import Conflict, Invalid
from shared.events.registry import DomainEvent
from shared.events.treatment import note_overdue, note_signed

# The forms a note is written in, and their sections in order: data, not code.
FORMATS: dict[str, tuple[str, ...]] = {
    "DAP": ("data", "assessment", "plan"),
    "BIRP": ("behavior", "intervention", "response", "plan"),
    "SOAP": ("subjective", "objective", "assessment", "plan"),
}
KINDS = ("individual", "group", "family", "education", "holistic", "medication_management")
DRAFT, SIGNED, VOID = "draft", "signed", "void"
STATUSES = (DRAFT, SIGNED, VOID)
PRESENT = "present"

# Scheduling's session kinds and group modalities, as note kinds.
_BY_SESSION_KIND = {"individual_therapy": "individual", "medication_check_in": "medication_management"}
_BY_GROUP_MODALITY = {"group_therapy": "group", "education": "education", "holistic": "holistic", "family": "family"}
# Who writes a note of each kind, as the overdue event names them.
_AUTHOR_ROLES = {"medication_management": "prescriber"}

Change = tuple[dict, list[DomainEvent]]


def kind_of_session(session_kind: str | None, group_modality: str | None) -> str:
    """The note kind of a session scheduling recorded attendance for. A session whose kind is not
    told (None) or not known is an individual session."""
    if session_kind == "group":
        return _BY_GROUP_MODALITY.get(group_modality, "group")
    if session_kind in KINDS:
        return session_kind
    return _BY_SESSION_KIND.get(session_kind, "individual")


def is_group_kind(kind: str) -> bool:
    return kind in _BY_GROUP_MODALITY.values()


def new_note(note_id: str, attendance: dict, *, kind: str, note_format: str, group_session_id: str | None,
             session_starts_at: datetime, due_at: datetime, attendance_at: datetime, now: datetime) -> dict:
    """The note of one patient at one session, as a recording of ``attendance`` (scheduling's
    payload) leaves it: a draft when present, else void (a later present reopens it)."""
    return {
        "_id": note_id, "enrollment_id": attendance["enrollment_id"], "patient_id": attendance["patient_id"],
        "session_id": attendance["session_id"], "kind": kind, "author_role": _AUTHOR_ROLES.get(kind, "clinician"),
        "format": note_format, "sections": dict.fromkeys(FORMATS[note_format]), "objective_ids": [],
        "group_session_id": group_session_id, "group_narrative": None,
        "status": DRAFT if attendance["status"] == PRESENT else VOID,
        "session_starts_at": session_starts_at, "due_at": due_at, "attendance_at": attendance_at,
        "created_at": now, "updated_at": now, "updated_by": None,
        "signed_at": None, "signed_by": None, "signature_recorded_by": None, "late_entry": None,
        "overdue_raised_at": None, "addenda": [],
    }


def attendance_recorded(note: dict, status: str, attendance_at: datetime) -> Change | None:
    """A later recording of the session's attendance: absent or excused voids a draft, present
    reopens a void note; an earlier recording arriving late, or a signed note, changes nothing."""
    if note["status"] == SIGNED or attendance_at < note["attendance_at"]:
        return None
    wanted = DRAFT if status == PRESENT else VOID
    if wanted == note["status"]:
        return ({"attendance_at": attendance_at}, []) if attendance_at != note["attendance_at"] else None
    return {"status": wanted, "attendance_at": attendance_at}, []


def edit(note: dict, note_format: str, sections: dict, objective_ids: list[str], known_objective_ids: set[str],
         now: datetime, actor: str) -> Change:
    """The draft with its form, sections and objectives replaced. A section must be one of the
    form's; one not given is still to be written. 409 for a signed or void note."""
    _require_draft(note, "changed")
    errors = {}
    allowed = FORMATS[note_format]
    for name in sections:
        if name not in allowed:
            errors[f"sections.{name}"] = [f"Not a section of a {note_format} note ({', '.join(allowed)})."]
    for index, objective_id in enumerate(objective_ids):
        if objective_id not in known_objective_ids:
            errors[f"objective_ids.{index}"] = ["Not an objective of this enrollment's treatment plan."]
    if errors:
        raise Invalid(errors)
    written = {name: sections.get(name) for name in allowed}
    return {"format": note_format, "sections": written, "objective_ids": list(dict.fromkeys(objective_ids)),
            "updated_at": now, "updated_by": actor}, []


def sign(note: dict, signer: str, group_narrative: str | None, now: datetime, actor: str) -> Change:
    """The note signed and locked, with the group's narrative as it is now (for a group meeting's
    note), marked a late entry when signed after it was due; emits treatment.note.signed. 409 when
    not a draft; 422 while a section, or the group's narrative, is still unwritten."""
    _require_draft(note, "signed")
    gaps = {f"sections.{name}": ["Required before the note is signed."]
            for name, text in note["sections"].items() if not text}
    if note["group_session_id"] is not None and not group_narrative:
        gaps["group_narrative"] = ["The group's narrative is required before its notes are signed "
                                   "(PUT /group-sessions/{id})."]
    if gaps:
        raise Invalid(gaps, detail="The note is not complete enough to be signed.")
    late = now > note["due_at"]
    changes = {"status": SIGNED, "signed_at": now, "signed_by": signer, "signature_recorded_by": actor,
               "late_entry": late, "group_narrative": group_narrative, "updated_at": now}
    return changes, [note_signed(note_id=note["_id"], enrollment_id=note["enrollment_id"],
                                 patient_id=note["patient_id"], session_id=note["session_id"], kind=note["kind"],
                                 late_entry=late)]


def add_addendum(note: dict, addendum_id: str, text: str, signer: str, now: datetime, actor: str) -> Change:
    """An addendum to a signed note, signed and timestamped; the note itself stays as signed.
    409 for a draft (edit it) or a void note."""
    if note["status"] != SIGNED:
        raise Conflict("Addenda are added to signed notes; edit the draft itself." if note["status"] == DRAFT
                       else "The note is void: the patient was not recorded present.")
    addendum = {"id": addendum_id, "text": text, "signer": signer, "signed_at": now, "recorded_by": actor}
    return {"addenda": [*note["addenda"], addendum], "updated_at": now}, []


def raise_overdue(note: dict, now: datetime) -> Change | None:
    """treatment.note.overdue once for a draft still unsigned after it was due; None otherwise."""
    if note["status"] != DRAFT or note["overdue_raised_at"] is not None or now <= note["due_at"]:
        return None
    event = note_overdue(note_id=note["_id"], enrollment_id=note["enrollment_id"], patient_id=note["patient_id"],
                         session_id=note["session_id"], author_role=note["author_role"], due_at=note["due_at"])
    return {"overdue_raised_at": now}, [event]


def _require_draft(note: dict, action: str) -> None:
    if note["status"] == SIGNED:
        raise Conflict(f"The note is signed and locked: it cannot be {action}; add an addendum instead.")
    if note["status"] == VOID:
        raise Conflict(f"The note is void (the patient was not recorded present): it cannot be {action}.")


# --- group meetings ---------------------------------------------------------------------------

def new_group_session(session_id: str, group_id: str, starts_at: datetime, kind: str, now: datetime) -> dict:
    """One meeting of a group, whose narrative its attendees' notes share."""
    return {"_id": session_id, "group_id": group_id, "starts_at": starts_at, "kind": kind, "narrative": None,
            "created_at": now, "updated_at": now, "updated_by": None}


def write_narrative(session: dict, narrative: str, now: datetime, actor: str) -> Change:
    """The group's narrative as written now; notes signed already keep the one they were signed with."""
    return {"narrative": narrative, "updated_at": now, "updated_by": actor}, []
