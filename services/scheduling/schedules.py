"""An enrollment's schedule over its life: generated at admission, stretched or trimmed when its
planned length changes, ended at discharge; and the group seats that come and go with it.

Every step is one single-document write guarded by the document's state, so a redelivered
event, or a handler re-run after a crash between two of its writes, only fills the gaps:
- admission: the seat is taken first (idempotent: an enrollment holds at most one place in a
  group), then the schedule is inserted under its natural key (one per enrollment);
- discharge: the schedule ends (once), then every group holding the enrollment lets it go
  and seats whoever waited, then the seated patients get their group sessions.
"""
from datetime import date, datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.scheduling.domain.groups import GroupSlot, parse_start_time
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.rosters import Roster, fill_free_seats, join, leave
from services.scheduling.domain.schedule import generate_sessions, trim_or_extend
from services.scheduling.domain.waiting_list import ENROLLED, WAITLISTED
from services.scheduling.session_records import (
    CANCELLED,
    SCHEDULED,
    is_cancelled,
    merged,
    planned,
    session_id,
    stored_session,
)
from services.scheduling.store import GROUPS, SCHEDULES
from shared import clock
from shared.context import ServiceContext
from shared.events import Event
from shared.http.fields import stored
from shared.outbox import insert_with_events, modify
from shared.sites import Site

ACTIVE = "active"
ENDED = "ended"

# Group placements besides "enrolled" and "waitlisted".
NO_GROUP = "none"
GROUP_UNAVAILABLE = "group_unavailable"  # unknown at this site, or archived


class ScheduleNotReady(Exception):
    """An event about an enrollment whose admission has not been handled yet: retried later."""


def group_slot(group: dict) -> GroupSlot:
    return GroupSlot(tuple(group["weekdays"]), parse_start_time(group["start_time"]), group["duration_minutes"])


def roster_of(group: dict) -> Roster:
    return Roster(list(group.get("members") or []), list(group.get("waiting_list") or []))


def _schedule_key(site_id: str, enrollment_id: str) -> dict:
    return {"site_id": site_id, "enrollment_id": enrollment_id}


# --- admission -------------------------------------------------------------------------------

def schedule_admission(event: Event, context: ServiceContext) -> None:
    """intake.enrollment.admitted: seat (or queue) the patient, generate the sessions, emit
    scheduling.schedule.created. A second delivery finds the schedule and does nothing."""
    payload, site = event.payload, context.sites.get(event.site_id)
    schedules = context.db[SCHEDULES]
    if schedules.find_one(_schedule_key(event.site_id, payload["enrollment_id"]), {"_id": 1}) is not None:
        return
    now = clock.now()
    group, placement = _take_group_place(context.db, event.site_id, payload, now)
    plan = program_plan(payload["program"], site.options)
    sessions = generate_sessions(payload["start_date"], payload["planned_end_date"], site.timezone,
                                 group_slot(group) if placement == ENROLLED else None,
                                 plan.individual, plan.med_check)
    records = [stored_session(payload["enrollment_id"], session) for session in sessions]
    document = {
        "_id": payload["enrollment_id"],
        "site_id": event.site_id,
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "program": payload["program"],
        "group_id": payload.get("group_id"),
        "group_placement": placement,
        "start_date": stored(payload["start_date"]),
        "planned_end_date": stored(payload["planned_end_date"]),
        "status": ACTIVE,
        "ended": None,
        "sessions": records,
        "escalated_streaks": [],
        "created_at": now,
        "caused_by": event.event_id,
    }
    created = context.event_caused_by(event, "scheduling.schedule.created", {
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "group_id": payload.get("group_id"),
        "session_count": len(records),
        "waitlisted": placement == WAITLISTED,
        "first_session_at": records[0]["starts_at"] if records else None,
        "last_session_at": records[-1]["starts_at"] if records else None,
    })
    try:
        insert_with_events(schedules, document, [created])
    except DuplicateKeyError:
        return  # a concurrent delivery of the same admission got there first
    if group is not None:
        # A seat may have freed between taking the place and writing the schedule.
        seat_promoted_members(context.db, site, group["_id"])


def _take_group_place(db: Database, site_id: str, payload: dict, now: datetime) -> tuple[dict | None, str]:
    group_id = payload.get("group_id")
    if not group_id:
        return None, NO_GROUP

    def take_place(group):
        if group.get("archived_at") is not None:
            return None
        roster = join(roster_of(group), group["capacity"], payload["enrollment_id"], payload["patient_id"], now)
        if roster == roster_of(group):
            return None
        return {"members": roster.members, "waiting_list": roster.waiting_list, "updated_at": now}, []

    group = modify(db[GROUPS], {"_id": group_id, "site_id": site_id}, take_place)
    placement = roster_of(group).placement_of(payload["enrollment_id"]) if group is not None else None
    if placement is None:
        return None, GROUP_UNAVAILABLE
    return group, placement


# --- seats that free up ----------------------------------------------------------------------

def seat_promoted_members(db: Database, site: Site, group_id: str) -> None:
    """Give the group's sessions to every member whose schedule still says "waitlisted".

    Called after any roster change; idempotent, so it also repairs a seat granted by a handler
    that stopped before this step. Sessions start from today at the site (or the enrollment's
    start, if later): a seat is not granted in the past.
    """
    group = db[GROUPS].find_one({"_id": group_id, "site_id": site.id})
    if group is None:
        return
    member_ids = {entry["enrollment_id"] for entry in roster_of(group).members}
    waiting_schedules = db[SCHEDULES].find(
        {"site_id": site.id, "group_id": group_id, "group_placement": WAITLISTED, "status": ACTIVE}, {"_id": 1, "enrollment_id": 1})
    for schedule in list(waiting_schedules):
        if schedule["enrollment_id"] in member_ids:
            _add_group_sessions(db, site, schedule["_id"], group)


def _add_group_sessions(db: Database, site: Site, schedule_id: str, group: dict) -> None:
    def seat(schedule):
        if schedule["status"] != ACTIVE or schedule["group_placement"] != WAITLISTED:
            return None
        first_day = max(date.fromisoformat(schedule["start_date"]), site.today())
        last_day = date.fromisoformat(schedule["planned_end_date"])
        sessions = generate_sessions(first_day, last_day, site.timezone, group_slot(group), None, None) \
            if first_day <= last_day else []
        additions = [stored_session(schedule["enrollment_id"], session) for session in sessions]
        return {"group_placement": ENROLLED, "sessions": merged(schedule["sessions"], additions)}, []

    modify(db[SCHEDULES], {"_id": schedule_id, "site_id": site.id}, seat)


def release_group_places(db: Database, site: Site, enrollment_id: str, also_group_id: str | None = None) -> None:
    """Take the enrollment off every group of the site (seat or waiting list), seat whoever
    waited longest, and give them their sessions. ``also_group_id`` is re-checked even when the
    enrollment has already left it, to finish seating after an interrupted run."""
    holding = {group["_id"] for field in ("members.enrollment_id", "waiting_list.enrollment_id")
               for group in db[GROUPS].find({"site_id": site.id, field: enrollment_id}, {"_id": 1})}
    now = clock.now()

    def let_go(group):
        roster, _ = fill_free_seats(leave(roster_of(group), enrollment_id), group["capacity"])
        if roster == roster_of(group):
            return None
        return {"members": roster.members, "waiting_list": roster.waiting_list, "updated_at": now}, []

    for group_id in sorted(holding | ({also_group_id} if also_group_id else set())):
        modify(db[GROUPS], {"_id": group_id, "site_id": site.id}, let_go)
        seat_promoted_members(db, site, group_id)


# --- planned length --------------------------------------------------------------------------

def change_schedule_length(event: Event, context: ServiceContext) -> None:
    """intake.enrollment.length_changed: add the sessions of the added weeks, or drop the
    not-yet-attended sessions after the new end. Applying the same end date again changes nothing."""
    payload, site = event.payload, context.sites.get(event.site_id)
    new_end = payload["planned_end_date"]

    def move_end(schedule):
        old_end = date.fromisoformat(schedule["planned_end_date"])
        if schedule["status"] != ACTIVE or old_end == new_end:
            return None
        group = context.db[GROUPS].find_one({"_id": schedule["group_id"], "site_id": site.id}) \
            if schedule["group_placement"] == ENROLLED else None
        plan = program_plan(schedule["program"], site.options)
        change = trim_or_extend(
            [planned(record) for record in schedule["sessions"] if not is_cancelled(record)],
            start_date=date.fromisoformat(schedule["start_date"]), old_end_date=old_end, new_end_date=new_end,
            timezone=site.timezone, group=group_slot(group) if group else None,
            individual=plan.individual, med_check=plan.med_check,
        )
        # Sessions past the new end were plans, not history: dropped unless attendance was taken.
        dropped = {session_id(schedule["enrollment_id"], session) for session in change.to_cancel}
        kept = [record for record in schedule["sessions"] if record["id"] not in dropped or record["status"] != SCHEDULED]
        additions = [stored_session(schedule["enrollment_id"], session) for session in change.to_add]
        return {"planned_end_date": stored(new_end), "sessions": merged(kept, additions)}, []

    if modify(context.db[SCHEDULES], _schedule_key(event.site_id, payload["enrollment_id"]), move_end) is None:
        raise ScheduleNotReady(f"no schedule yet for enrollment {payload['enrollment_id']}")


# --- discharge -------------------------------------------------------------------------------

def end_schedule(event: Event, context: ServiceContext) -> None:
    """intake.enrollment.completed or .discharged: cancel the sessions after the discharge date
    (emitting scheduling.sessions.cancelled once), then free the patient's group place."""
    payload, site = event.payload, context.sites.get(event.site_id)
    key = _schedule_key(event.site_id, payload["enrollment_id"])
    schedule = modify(context.db[SCHEDULES], key, lambda current: _ended(current, event, context))
    if schedule is None:
        schedule = _end_before_admission(event, context)
    release_group_places(context.db, site, payload["enrollment_id"], also_group_id=schedule.get("group_id"))


def _ended(schedule: dict, event: Event, context: ServiceContext):
    if schedule["status"] == ENDED:
        return None
    discharge_day = stored(event.payload["discharge_date"])
    sessions, cancelled = [], 0
    for record in schedule["sessions"]:
        if record["status"] == SCHEDULED and record["local_date"] > discharge_day:
            record, cancelled = {**record, "status": CANCELLED}, cancelled + 1
        sessions.append(record)
    changes = {
        "status": ENDED,
        "ended": {"date": discharge_day, "outcome": event.payload["outcome"], "caused_by": event.event_id},
        "sessions": sessions,
    }
    return changes, [_sessions_cancelled(event, context, cancelled)]


def _sessions_cancelled(event: Event, context: ServiceContext, count: int) -> dict:
    return context.event_caused_by(event, "scheduling.sessions.cancelled", {
        "enrollment_id": event.payload["enrollment_id"],
        "patient_id": event.payload["patient_id"],
        "cancelled_count": count,
        "reason": event.payload["outcome"],
    })


def _end_before_admission(event: Event, context: ServiceContext) -> dict:
    """A discharge that overtook its admission: record an ended, empty schedule so that the late
    admission finds the natural key taken and schedules nothing for a patient who has left."""
    payload = event.payload
    document = {
        "_id": payload["enrollment_id"],
        "site_id": event.site_id,
        "enrollment_id": payload["enrollment_id"],
        "patient_id": payload["patient_id"],
        "program": payload["program"],
        "group_id": None,
        "group_placement": NO_GROUP,
        "start_date": stored(payload["start_date"]),
        "planned_end_date": stored(payload["discharge_date"]),
        "status": ENDED,
        "ended": {"date": stored(payload["discharge_date"]), "outcome": payload["outcome"], "caused_by": event.event_id},
        "sessions": [],
        "escalated_streaks": [],
        "created_at": clock.now(),
        "caused_by": event.event_id,
    }
    try:
        return insert_with_events(context.db[SCHEDULES], document, [_sessions_cancelled(event, context, 0)])
    except DuplicateKeyError:  # the admission landed meanwhile: end that schedule instead
        return modify(context.db[SCHEDULES], _schedule_key(event.site_id, payload["enrollment_id"]),
                      lambda current: _ended(current, event, context))
