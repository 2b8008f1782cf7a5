"""Group meetings: the narrative every attendee's note of one meeting shares."""
from flask_smorest import Blueprint

from services.treatment.api.schemas import GroupNarrative, GroupSession, GroupSessionQuery
from services.treatment.use_cases import notes
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("group_sessions", __name__, url_prefix="/v1/group-sessions",
                description="One meeting of a group, made when its attendance is first recorded present.")


@blp.route("", methods=["GET"])
@blp.arguments(GroupSessionQuery, location="query")
@blp.response(200, GroupSession(many=True))
@blp.paginate()
def list_group_sessions(query, pagination_parameters):
    """The site's group meetings, latest first, optionally of one group."""
    meetings = page_of(store().group_sessions, {"site_id": current_site_id(), **query},
                       [("starts_at", -1), ("_id", 1)], pagination_parameters)
    return [notes.with_attendee_notes(store(), current_site_id(), meeting) for meeting in meetings]


@blp.route("/<session_id>", methods=["GET"])
@blp.response(200, GroupSession)
def get_group_session(session_id):
    """One meeting with its narrative and its attendees' notes."""
    return notes.with_attendee_notes(store(), current_site_id(), find_at_site(store().group_sessions, session_id,
                                                                              "group session"))


@blp.route("/<session_id>", methods=["PUT"])
@blp.arguments(GroupNarrative)
@blp.response(200, GroupSession)
def write_narrative(fields, session_id):
    """Write the meeting's narrative, shared by every attendee's draft note; a note keeps the
    narrative it was signed with."""
    return notes.write_group_narrative(store(), request_cause(), session_id, fields["narrative"])
