"""Session notes: opened by the worker when scheduling records a patient present, written here in
DAP, BIRP or SOAP form, signed and locked, then amended by addenda."""
from flask_smorest import Blueprint

from services.treatment.api.schemas import AddendumCreate, Note, NoteEdit, NoteQuery, NoteSign
from services.treatment.use_cases import notes
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("notes", __name__, url_prefix="/v1/notes",
                description="Session notes, one per attended session and patient; signed notes are locked.")


@blp.route("", methods=["GET"])
@blp.arguments(NoteQuery, location="query")
@blp.response(200, Note(many=True))
@blp.paginate()
def list_notes(query, pagination_parameters):
    """The site's notes, latest session first; filter by enrollment, patient, session, group
    meeting, status and kind. Without `status`, drafts and signed notes."""
    selector = {"site_id": current_site_id(), "status": {"$in": list(notes.LISTED)}, **query}
    page = page_of(store().notes, selector, [("session_starts_at", -1), ("_id", 1)], pagination_parameters)
    return notes.with_group_narratives(store(), current_site_id(), page)


@blp.route("/<note_id>", methods=["GET"])
@blp.response(200, Note)
def get_note(note_id):
    """One note with its addenda; a group meeting's note with the meeting's narrative."""
    note = find_at_site(store().notes, note_id, "note")
    return notes.with_group_narratives(store(), current_site_id(), [note])[0]


@blp.route("/<note_id>", methods=["PUT"])
@blp.arguments(NoteEdit)
@blp.response(200, Note)
@blp.alt_response(409, description="The note is signed (add an addendum) or void.")
@blp.alt_response(422, description="A section not of the form, or an objective not of the enrollment's plan.")
def edit_note(fields, note_id):
    """Write the draft: its form, the text of its sections, the plan objectives the session addressed."""
    note = notes.edit_note(store(), request_cause(), note_id, fields)
    return notes.with_group_narratives(store(), current_site_id(), [note])[0]


@blp.route("/<note_id>/sign", methods=["POST"])
@blp.arguments(NoteSign, example={"signer": "staff-0042"})
@blp.response(200, Note)
@blp.alt_response(409, description="The note is signed already, or void.")
@blp.alt_response(422, description="A section (or the group's narrative) is still unwritten.")
def sign_note(fields, note_id):
    """Sign and lock the note (emits treatment.note.signed). A note signed more than the site's
    note_signing_hours (72) after its session is marked a late entry."""
    return notes.sign_note(store(), request_cause(), note_id, fields["signer"])


@blp.route("/<note_id>/addenda", methods=["POST"])
@blp.arguments(AddendumCreate)
@blp.response(201, Note)
@blp.alt_response(409, description="The note is a draft (edit it) or void.")
def add_addendum(fields, note_id):
    """Add a signed, timestamped addendum to a signed note: the way a locked note is corrected."""
    return notes.add_addendum(store(), request_cause(), note_id, fields["text"], fields["signer"])
