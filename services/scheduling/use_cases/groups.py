"""Therapy groups: defining, editing and archiving them; who holds a seat and who waits; and the
seats that come and go with admissions and discharges.

A seat and the group sessions it gives are two documents (the group, the schedule): the seat is
written first, then :func:`seat_promoted_members` gives the sessions. That step is idempotent and
re-run after every roster change, so it also finishes a seating interrupted by a crash.
"""
import uuid
from datetime import date

from services.scheduling.domain import groups as rules
from services.scheduling.domain.enrollment_schedules import ACTIVE, GROUP_UNAVAILABLE, NO_GROUP, seated
from services.scheduling.domain.schedule import GROUP
from services.scheduling.domain.sessions import is_cancelled
from services.scheduling.domain.waiting_list import WAITLISTED
from services.scheduling.store import IS_NULL, SchedulingStore
from services.scheduling.use_cases import Page, no_events
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.sites import Site


def _at_site(site: Site, group_id: str) -> dict:
    return {"_id": group_id, "site_id": site.id}


def find_group(store: SchedulingStore, site: Site, group_id: str) -> dict:
    group = store.groups.find_one(_at_site(site, group_id))
    if group is None:
        raise NotFound(f"No group {group_id} at this site.")
    return group


def create_group(store: SchedulingStore, cause: Cause, site: Site, fields: dict) -> dict:
    """Define a group of a program of the site's catalog: when it meets (site time) and how many seats it has."""
    group = rules.new_group(group_id=str(uuid.uuid4()), site_id=site.id, fields=fields, programs=site.programs,
                            now=clock.now())
    return store.groups.insert(group, cause=cause)


def list_groups(store: SchedulingStore, site: Site, filters: dict, page: Page) -> list[dict]:
    """The site's groups by name, by program and archived (``filters["archived"]``) or not."""
    query = {"site_id": site.id}
    if "program" in filters:
        query["program"] = filters["program"]
    if "archived" in filters:
        query["archived_at"] = {"$ne": None} if filters["archived"] else IS_NULL
    return page(store.groups, query, [("name", 1), ("_id", 1)])


def update_group(store: SchedulingStore, cause: Cause, site: Site, group_id: str, edits: dict) -> dict:
    """Change a group; a larger capacity seats the longest-waiting patients, with their sessions."""
    now = clock.now()

    def edit(group):
        return no_events(rules.group_edited(group, edits, now, site.programs))

    group = store.groups.modify(_at_site(site, group_id), edit, cause)
    if group is None:
        raise NotFound(f"No group {group_id} at this site.")
    seat_promoted_members(store, site, group_id, group=group)
    return group


def archive_group(store: SchedulingStore, cause: Cause, site: Site, group_id: str) -> dict:
    """Archive a group nobody attends or waits for; archiving it again changes nothing."""
    now = clock.now()

    def archive(group):
        return no_events(rules.group_archived(group, now))

    group = store.groups.modify(_at_site(site, group_id), archive, cause)
    if group is None:
        raise NotFound(f"No group {group_id} at this site.")
    return group


def group_roster(store: SchedulingStore, site: Site, group_id: str) -> dict:
    """Who holds a seat, and the waiting list in the order seats will be given."""
    group = find_group(store, site, group_id)
    roster = rules.roster_of(group)
    waiting = sorted(roster.waiting_list, key=lambda entry: (entry["joined_at"], entry["enrollment_id"]))
    return {
        "group_id": group["_id"],
        "capacity": group["capacity"],
        "enrolled": roster.members,
        "waiting_list": [{**entry, "position": position} for position, entry in enumerate(waiting, start=1)],
    }


def session_roster(store: SchedulingStore, site: Site, group_id: str, day: date) -> dict:
    """Who is booked into the group's meeting on ``day`` (at the site), cancelled sessions included."""
    group = find_group(store, site, group_id)
    attendees, meeting = [], None
    for schedule in store.schedules.find({"site_id": site.id, "group_id": group_id}):
        for record in schedule["sessions"]:
            if record["kind"] == GROUP and record["local_date"] == day:
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


# --- seats that come and go with enrollments -----------------------------------------------------

def take_group_place(store: SchedulingStore, cause: Cause, site: Site, admission: dict) -> tuple[dict | None, str]:
    """Seat (or queue) an admitted enrollment in its group: the group and the placement, or no
    group with ``none`` (none asked) or ``group_unavailable`` (unknown at the site, or archived)."""
    group_id = admission.get("group_id")
    if not group_id:
        return None, NO_GROUP
    now = clock.now()

    def take_place(group):
        return no_events(rules.place_taken(group, admission["enrollment_id"], admission["patient_id"], now))

    group = store.groups.modify(_at_site(site, group_id), take_place, cause)
    placement = rules.roster_of(group).placement_of(admission["enrollment_id"]) if group is not None else None
    if placement is None:
        return None, GROUP_UNAVAILABLE
    return group, placement


def release_group_places(store: SchedulingStore, cause: Cause, site: Site, enrollment_id: str,
                         also_group_id: str | None = None) -> None:
    """Take the enrollment off every group of the site (seat or waiting list), seat whoever waited
    longest, and give them their sessions. ``also_group_id`` is re-checked even when the enrollment
    has already left it, to finish seating after an interrupted run."""
    holding = {group["_id"] for group in store.groups.find(
        {"site_id": site.id, "$or": [{"members.enrollment_id": enrollment_id},
                                     {"waiting_list.enrollment_id": enrollment_id}]}, projection={"_id": 1})}
    now = clock.now()

    def let_go(group):
        return no_events(rules.place_released(group, enrollment_id, now))

    for group_id in sorted(holding | ({also_group_id} if also_group_id else set())):
        released = store.groups.modify(_at_site(site, group_id), let_go, cause)
        seat_promoted_members(store, site, group_id, group=released)


def seat_promoted_members(store: SchedulingStore, site: Site, group_id: str, group: dict | None = None) -> None:
    """Give the group's sessions to every member whose schedule still says "waitlisted". ``group``:
    the group as the caller just wrote it, saving a read; read here otherwise."""
    group = group or store.groups.find_one(_at_site(site, group_id))
    if group is None:
        return
    member_ids = {entry["enrollment_id"] for entry in rules.roster_of(group).members}
    slot, today, now = rules.group_slot(group), site.today(), clock.now()
    waiting = store.schedules.find({"site_id": site.id, "group_id": group_id, "group_placement": WAITLISTED,
                                    "status": ACTIVE}, projection={"_id": 1, "enrollment_id": 1})

    def seat(schedule):
        return no_events(seated(schedule, group=slot, today=today, timezone=site.timezone, now=now))

    for schedule in waiting:
        if schedule["enrollment_id"] in member_ids:
            store.schedules.modify({"_id": schedule["_id"], "site_id": site.id}, seat)
