"""Therapy groups: their definition, their roster (seats and waiting list) and who attends a meeting."""
import uuid
from datetime import date

from flask_smorest import Blueprint

from services.scheduling.api.schemas import Group, GroupCreate, GroupQuery, GroupUpdate, Roster, SessionRoster
from services.scheduling.domain.groups import validate_group
from services.scheduling.domain.rosters import fill_free_seats
from services.scheduling.schedules import roster_of, seat_promoted_members
from services.scheduling.session_records import is_cancelled
from services.scheduling.store import GROUPS, SCHEDULES
from shared import clock
from shared.errors import Conflict, Invalid
from shared.http.auth import current_site_id
from shared.http.current import collection, current_site, find_at_site
from shared.http.pagination import page_of
from shared.outbox import insert_with_events, modify

blp = Blueprint("groups", __name__, url_prefix="/v1/groups",
                description="Therapy groups of the caller's site, their seats and waiting lists.")

SLOT_FIELDS = ("modality", "weekdays", "start_time", "duration_minutes", "capacity")


def _validated(definition: dict) -> dict:
    """The slot fields as stored: validated together, weekdays in calendar order."""
    slot = validate_group(**{name: definition[name] for name in SLOT_FIELDS})
    return {**{name: definition[name] for name in SLOT_FIELDS}, "weekdays": list(slot.weekdays)}


@blp.route("", methods=["POST"])
@blp.arguments(GroupCreate)
@blp.response(201, Group)
def create_group(fields):
    """Define a group: when it meets (site time) and how many seats it has."""
    now = clock.now()
    document = {
        "_id": str(uuid.uuid4()),
        "site_id": current_site_id(),
        "name": fields["name"],
        "program": fields["program"],
        "facilitator": fields.get("facilitator"),
        **_validated(fields),
        "members": [],
        "waiting_list": [],
        "archived_at": None,
        "created_at": now,
        "updated_at": now,
    }
    return insert_with_events(collection(GROUPS), document)


@blp.route("", methods=["GET"])
@blp.arguments(GroupQuery, location="query")
@blp.response(200, Group(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_groups(query, pagination_parameters):
    """The site's groups, by program and archived or not."""
    selector = {"site_id": current_site_id()}
    if "program" in query:
        selector["program"] = query["program"]
    if "archived" in query:
        selector["archived_at"] = {"$ne": None} if query["archived"] else None
    return page_of(collection(GROUPS), selector, [("name", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<group_id>", methods=["GET"])
@blp.response(200, Group)
def get_group(group_id):
    """One group."""
    return find_at_site(GROUPS, group_id, "group")


@blp.route("/<group_id>", methods=["PATCH"])
@blp.arguments(GroupUpdate(partial=True))
@blp.response(200, Group)
@blp.alt_response(409, description="The group is archived.")
def update_group(changes, group_id):
    """Change a group. A larger capacity seats the longest-waiting patients at once; a capacity
    below the seats taken is refused. New days or times apply to sessions generated from now on
    (admissions, seats, extensions); sessions already booked keep their time."""
    find_at_site(GROUPS, group_id, "group")
    now = clock.now()

    def apply(group):
        if group.get("archived_at") is not None:
            raise Conflict("The group is archived.")
        definition = {**group, **changes}
        stored = {**changes, **_validated(definition), "updated_at": now}
        roster = roster_of(group)
        if len(roster.members) > definition["capacity"]:
            raise Invalid({"capacity": [f"Must be at least the {len(roster.members)} seats already taken."]})
        seated, _ = fill_free_seats(roster, definition["capacity"])
        return {**stored, "members": seated.members, "waiting_list": seated.waiting_list}, []

    written = modify(collection(GROUPS), {"_id": group_id, "site_id": current_site_id()}, apply)
    seat_promoted_members(collection(GROUPS).database, current_site(), group_id)
    return written


@blp.route("/<group_id>/archive", methods=["POST"])
@blp.response(200, Group)
@blp.alt_response(409, description="Patients still hold seats or wait for one.")
def archive_group(group_id):
    """Archive a group that nobody attends or waits for; it then takes no admission. Archiving
    an archived group changes nothing."""
    find_at_site(GROUPS, group_id, "group")
    now = clock.now()

    def apply(group):
        if group.get("archived_at") is not None:
            return None
        roster = roster_of(group)
        if roster.members or roster.waiting_list:
            raise Conflict(f"{len(roster.members)} patient(s) hold a seat and {len(roster.waiting_list)} wait; "
                           "archive the group once they have left it.")
        return {"archived_at": now, "updated_at": now}, []

    return modify(collection(GROUPS), {"_id": group_id, "site_id": current_site_id()}, apply)


@blp.route("/<group_id>/roster", methods=["GET"])
@blp.response(200, Roster)
def group_roster(group_id):
    """Who holds a seat, and the waiting list in the order seats will be given."""
    group = find_at_site(GROUPS, group_id, "group")
    roster = roster_of(group)
    waiting = sorted(roster.waiting_list, key=lambda entry: (entry["joined_at"], entry["enrollment_id"]))
    return {
        "group_id": group["_id"],
        "capacity": group["capacity"],
        "enrolled": roster.members,
        "waiting_list": [{**entry, "position": position} for position, entry in enumerate(waiting, start=1)],
    }


@blp.route("/<group_id>/sessions/<local_date>/roster", methods=["GET"])
@blp.response(200, SessionRoster)
def session_roster(group_id, local_date):
    """Who is booked into the group's meeting on a date (site time), with each patient's session
    id for taking attendance. Cancelled sessions are listed with status ``cancelled``."""
    group = find_at_site(GROUPS, group_id, "group")
    try:
        day = date.fromisoformat(local_date)
    except ValueError:
        raise Invalid({"local_date": ["Must be a date YYYY-MM-DD."]}) from None
    attendees, meeting = [], None
    for schedule in collection(SCHEDULES).find({"site_id": current_site_id(), "group_id": group_id}):
        for record in schedule["sessions"]:
            if record["kind"] == "group" and record["local_date"] == day.isoformat():
                attendees.append({"enrollment_id": schedule["enrollment_id"], "patient_id": schedule["patient_id"],
                                  "session_id": record["id"], "status": record["status"]})
                if meeting is None or is_cancelled(meeting):
                    meeting = record
    return {
        "group_id": group["_id"],
        "date": day,
        "starts_at": meeting["starts_at"] if meeting else None,
        "ends_at": meeting["ends_at"] if meeting else None,
        "attendees": sorted(attendees, key=lambda attendee: attendee["enrollment_id"]),
    }
