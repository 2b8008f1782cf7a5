"""Session notes: opened from scheduling's attendance, written, signed and locked, then amended by
addenda; and the narrative the attendees of one group meeting share.

A note's id derives from its session and patient, and a group meeting's from its group and start,
so a redelivered attendance finds both there and only applies the status it records (latest wins).
"""
import uuid
from collections.abc import Callable
from datetime import timedelta

from services.treatment.domain import notes as rules
from services.treatment.domain.site_settings import settings_for
from services.treatment.store import TreatmentStore, group_session_id_for, note_id_for
from services.treatment.use_cases.plans import objective_ids_of_enrollment
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.events import Event
from shared.sites import Site

# Notes of these statuses are the ones people read; a void note stays out of lists unless asked for.
LISTED = (rules.DRAFT, rules.SIGNED)


def record_attendance(store: TreatmentStore, cause: Cause, site: Site, recorded: Event) -> dict:
    """scheduling.attendance.recorded: ``present`` opens the patient's draft note of the session (for
    a group meeting, tied to the meeting's shared narrative); absent or excused voids it. A session
    scheduling does not describe (no ``session_kind``) is an individual session, due from the time
    attendance was taken."""
    payload = recorded.payload
    settings = settings_for(site)
    kind = rules.kind_of_session(payload.get("session_kind"), payload.get("group_modality"))
    starts_at = payload.get("starts_at") or recorded.occurred_at
    group_session_id = None
    if rules.is_group_kind(kind) and payload.get("group_id") and payload.get("starts_at"):
        group_session_id = group_session_id_for(site.id, payload["group_id"], starts_at)
        meeting = rules.new_group_session(group_session_id, payload["group_id"], starts_at, kind, clock.now())
        store.group_sessions.insert_once({**meeting, "site_id": site.id})
    note_id = note_id_for(site.id, payload["session_id"], payload["patient_id"])
    note = rules.new_note(note_id, payload, kind=kind, note_format=settings.note_format,
                          group_session_id=group_session_id, session_starts_at=starts_at,
                          due_at=starts_at + timedelta(hours=settings.note_signing_hours),
                          attendance_at=recorded.occurred_at, now=clock.now())
    if store.notes.insert_once({**note, "site_id": site.id, "correlation_id": cause.correlation_id}):
        return note
    return store.notes.modify({"_id": note_id, "site_id": site.id},
                              lambda current: rules.attendance_recorded(current, payload["status"],
                                                                        recorded.occurred_at))


def edit_note(store: TreatmentStore, cause: Cause, note_id: str, fields: dict) -> dict:
    """The draft's form, sections and objectives (409 once signed: add an addendum)."""
    note = find_note(store, cause.site_id, note_id)
    known = objective_ids_of_enrollment(store, cause.site_id, note["enrollment_id"])
    now = clock.now()
    return _change(store, cause, note_id, lambda current: rules.edit(
        current, fields["format"], fields["sections"], fields["objective_ids"], known, now, cause.actor))


def sign_note(store: TreatmentStore, cause: Cause, note_id: str, signer: str) -> dict:
    """Sign and lock the note (treatment.note.signed), a late entry past its due time."""
    note = find_note(store, cause.site_id, note_id)
    narrative = _narratives(store, cause.site_id, [note]).get(note["group_session_id"])
    now = clock.now()
    return _change(store, cause, note_id, lambda current: rules.sign(current, signer, narrative, now, cause.actor))


def add_addendum(store: TreatmentStore, cause: Cause, note_id: str, text: str, signer: str) -> dict:
    """A signed, timestamped addendum to a signed note."""
    now = clock.now()
    return _change(store, cause, note_id, lambda current: rules.add_addendum(
        current, str(uuid.uuid4()), text, signer, now, cause.actor))


def find_note(store: TreatmentStore, site_id: str, note_id: str) -> dict:
    note = store.notes.find_one({"_id": note_id, "site_id": site_id})
    if note is None:
        raise NotFound(f"No note {note_id} at this site.")
    return note


def with_group_narratives(store: TreatmentStore, site_id: str, notes: list[dict]) -> list[dict]:
    """Notes as people read them: a draft of a group meeting shows the meeting's narrative as it is
    now; a signed note keeps the one it was signed with."""
    narratives = _narratives(store, site_id, [note for note in notes if note["status"] != rules.SIGNED])
    return [note if note["status"] == rules.SIGNED or not note["group_session_id"]
            else {**note, "group_narrative": narratives.get(note["group_session_id"])} for note in notes]


def _narratives(store: TreatmentStore, site_id: str, notes: list[dict]) -> dict[str, str | None]:
    ids = sorted({note["group_session_id"] for note in notes if note["group_session_id"]})
    if not ids:
        return {}
    meetings = store.group_sessions.find({"site_id": site_id, "_id": {"$in": ids}})
    return {meeting["_id"]: meeting["narrative"] for meeting in meetings}


# --- group meetings ---------------------------------------------------------------------------

def write_group_narrative(store: TreatmentStore, cause: Cause, session_id: str, narrative: str) -> dict:
    """The narrative every attendee's note of the meeting shares until it is signed."""
    now = clock.now()
    written = store.group_sessions.modify({"_id": session_id, "site_id": cause.site_id},
                                          lambda meeting: rules.write_narrative(meeting, narrative, now, cause.actor))
    if written is None:
        raise NotFound(f"No group session {session_id} at this site.")
    return with_attendee_notes(store, cause.site_id, written)


def with_attendee_notes(store: TreatmentStore, site_id: str, meeting: dict) -> dict:
    """The meeting with the ids of its attendees' notes (void ones left out)."""
    notes = store.notes.find({"site_id": site_id, "group_session_id": meeting["_id"], "status": {"$in": list(LISTED)}},
                             sort=[("_id", 1)], projection={"_id": 1})
    return {**meeting, "note_ids": [note["_id"] for note in notes]}


def _change(store: TreatmentStore, cause: Cause, note_id: str, rule: Callable[[dict], rules.Change]) -> dict:
    changed = store.notes.modify({"_id": note_id, "site_id": cause.site_id}, rule, cause)
    if changed is None:
        raise NotFound(f"No note {note_id} at this site.")
    return changed
