"""Therapy groups: their definition, their roster (seats and waiting list) and who attends a meeting."""
from flask_smorest import Blueprint

from services.scheduling.api.schemas import (
    Group,
    GroupCreate,
    GroupQuery,
    GroupUpdate,
    MeetingPath,
    Roster,
    SessionRoster,
)
from services.scheduling.use_cases import groups
from shared.http.current import current_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("groups", __name__, url_prefix="/v1/groups",
                description="Therapy groups of the caller's site, their seats and waiting lists.")


@blp.route("", methods=["POST"])
@blp.arguments(GroupCreate)
@blp.response(201, Group)
def create_group(fields):
    """Define a group: when it meets (site time) and how many seats it has."""
    return groups.create_group(store(), request_cause(), current_site(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(GroupQuery, location="query")
@blp.response(200, Group(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_groups(query, pagination_parameters):
    """The site's groups, by program and archived or not."""
    return groups.list_groups(store(), current_site(), query,
                              page=lambda documents, selector, sort: page_of(documents, selector, sort,
                                                                             pagination_parameters))


@blp.route("/<group_id>", methods=["GET"])
@blp.response(200, Group)
def get_group(group_id):
    """One group."""
    return groups.find_group(store(), current_site(), group_id)


@blp.route("/<group_id>", methods=["PATCH"])
@blp.arguments(GroupUpdate(partial=True), required=False)
@blp.response(200, Group)
@blp.alt_response(409, description="The group is archived.")
def update_group(changes, group_id):
    """Change a group. A larger capacity seats the longest-waiting patients at once; a capacity
    below the seats taken is refused. New days or times apply to sessions generated from now on
    (admissions, seats, extensions); sessions already booked keep their time."""
    return groups.update_group(store(), request_cause(), current_site(), group_id, changes)


@blp.route("/<group_id>/archive", methods=["POST"])
@blp.response(200, Group)
@blp.alt_response(409, description="Patients still hold seats or wait for one.")
def archive_group(group_id):
    """Archive a group that nobody attends or waits for; it then takes no admission. Archiving
    an archived group changes nothing."""
    return groups.archive_group(store(), request_cause(), current_site(), group_id)


@blp.route("/<group_id>/roster", methods=["GET"])
@blp.response(200, Roster)
def group_roster(group_id):
    """Who holds a seat, and the waiting list in the order seats will be given."""
    return groups.group_roster(store(), current_site(), group_id)


@blp.route("/<group_id>/sessions/<local_date>/roster", methods=["GET"])
@blp.arguments(MeetingPath, location="path")
@blp.response(200, SessionRoster)
def session_roster(path, group_id, local_date):
    """Who is booked into the group's meeting on a date (site time), with each patient's session
    id for taking attendance. Cancelled sessions are listed with status ``cancelled``."""
    return groups.session_roster(store(), current_site(), group_id, path["local_date"])
