"""An enrollment's schedule over its life, driven by intake's events: generated at admission,
stretched or trimmed when its planned length changes, ended at discharge; and read back.

Every step is one single-document write guarded by the document's state, so a redelivered event,
or a handler re-run after a crash between two of its writes, only fills the gaps:
- admission: the seat is taken first (idempotent: an enrollment holds at most one place in a
  group), then the schedule is inserted under its natural key (one per enrollment);
- discharge: the schedule ends (once), then every group holding the enrollment lets it go and
  seats whoever waited, then the seated patients get their group sessions.
"""
from services.scheduling.domain.enrollment_schedules import (
    admitted_schedule,
    end_moved,
    ended_before_admission,
    schedule_ended,
    schedule_overview,
)
from services.scheduling.domain.groups import group_slot
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.schedule import generate_sessions
from services.scheduling.domain.waiting_list import ENROLLED
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases import no_events
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from services.scheduling.use_cases.groups import release_group_places, seat_promoted_members, take_group_place
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.sites import Site


class ScheduleNotReady(Exception):
    """An event about an enrollment whose admission has not been handled yet: retried later."""


def _key(site: Site, enrollment_id: str) -> dict:
    return {"site_id": site.id, "enrollment_id": enrollment_id}


# --- driven by intake's events ------------------------------------------------------------------

def schedule_admission(store: SchedulingStore, cause: Cause, site: Site, admission: dict) -> None:
    """intake.enrollment.admitted (``admission``: its payload): seat (or queue) the patient, generate
    the sessions, emit scheduling.schedule.created. A second delivery finds the schedule and does nothing."""
    if store.schedules.find_one(_key(site, admission["enrollment_id"]), projection={"_id": 1}) is not None:
        return
    group, placement = take_group_place(store, cause, site, admission)
    plan = program_plan(admission["program"], site.options)
    sessions = generate_sessions(admission["start_date"], admission["planned_end_date"], site.timezone,
                                 group_slot(group) if placement == ENROLLED else None, plan.individual, plan.med_check)
    document, events = admitted_schedule(site_id=site.id, admission=admission, placement=placement, sessions=sessions,
                                         now=clock.now(), caused_by=cause.causation_id)
    if not store.schedules.insert_once(document, events, cause):
        return  # a concurrent delivery of the same admission got there first
    if group is not None:
        # A seat may have freed between taking the place and writing the schedule.
        seat_promoted_members(store, site, group["_id"])


def change_schedule_length(store: SchedulingStore, cause: Cause, site: Site, change: dict) -> None:
    """intake.enrollment.length_changed: add the sessions of the added weeks, or drop the
    not-yet-attended sessions after the new end. Applying the same end date again changes nothing."""

    def move_end(schedule):
        group = store.groups.find_one({"_id": schedule["group_id"], "site_id": site.id}) \
            if schedule["group_placement"] == ENROLLED else None
        return no_events(end_moved(schedule, new_end=change["planned_end_date"],
                                   plan=program_plan(schedule["program"], site.options),
                                   group=group_slot(group) if group else None, timezone=site.timezone))

    if store.schedules.modify(_key(site, change["enrollment_id"]), move_end, cause) is None:
        raise ScheduleNotReady(f"no schedule yet for enrollment {change['enrollment_id']}")


def end_schedule(store: SchedulingStore, cause: Cause, site: Site, discharge: dict) -> None:
    """intake.enrollment.completed or .discharged: cancel the sessions after the discharge date
    (emitting scheduling.sessions.cancelled once), then free the patient's group place."""

    def end(schedule):
        return schedule_ended(schedule, discharge_date=discharge["discharge_date"], outcome=discharge["outcome"],
                              caused_by=cause.causation_id)

    schedule = store.schedules.modify(_key(site, discharge["enrollment_id"]), end, cause)
    if schedule is None:
        document, events = ended_before_admission(site_id=site.id, discharge=discharge, now=clock.now(),
                                                  caused_by=cause.causation_id)
        # Inserted unless the admission landed meanwhile: then that schedule is ended instead.
        schedule = document if store.schedules.insert_once(document, events, cause) \
            else store.schedules.modify(_key(site, discharge["enrollment_id"]), end, cause)
    release_group_places(store, cause, site, discharge["enrollment_id"], also_group_id=schedule.get("group_id"))


def complete_enrollment(store: SchedulingStore, cause: Cause, site: Site, completion: dict) -> None:
    """intake.enrollment.completed: a completed program ends the schedule and starts aftercare
    with the follow-up booking."""
    end_schedule(store, cause, site, completion)
    book_follow_up(store, cause, site, completion)


# --- read back ----------------------------------------------------------------------------------

def find_schedule(store: SchedulingStore, site: Site, enrollment_id: str) -> dict:
    schedule = store.schedules.find_one(_key(site, enrollment_id))
    if schedule is None:
        raise NotFound(f"No schedule for enrollment {enrollment_id} at this site.")
    return schedule


def list_sessions(store: SchedulingStore, site: Site, enrollment_id: str, filters: dict) -> list[dict]:
    """The enrollment's sessions in time order whose fields match ``filters`` (kind, status)."""
    return [record for record in find_schedule(store, site, enrollment_id)["sessions"]
            if all(record[name] == value for name, value in filters.items())]


def get_schedule(store: SchedulingStore, site: Site, enrollment_id: str) -> dict:
    """The schedule's state, its hours per week and the full weeks below the program's minimum."""
    schedule = find_schedule(store, site, enrollment_id)
    return schedule_overview(schedule, program_plan(schedule["program"], site.options).minimum_weekly_hours)
