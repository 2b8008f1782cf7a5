"""An enrollment's schedule over its life, driven by intake's events: generated at admission,
stretched or trimmed when its planned length changes, re-planned when its level of care changes,
ended at discharge; and read back.

Every step is one single-document write guarded by the document's state, so a redelivered event,
or a handler re-run after a crash between two of its writes, only fills the gaps:
- admission: the seat is taken first (idempotent: an enrollment holds at most one place in a
  group), then the schedule is inserted under its natural key (one per enrollment);
- discharge: the schedule ends (once), then every group holding the enrollment lets it go and
  seats whoever waited, then the seated patients get their group sessions. After a death, each
  of the patient's other schedules ends the same way and each booked appointment is cancelled
  (each one write, guarded by its state).
"""
from datetime import UTC, datetime, time, timedelta

from services.scheduling.domain import appointments as appointment_rules
from services.scheduling.domain.enrollment_schedules import (
    ACTIVE,
    admitted_schedule,
    end_moved,
    ended_before_admission,
    level_of_care_changed,
    schedule_ended,
    schedule_overview,
)
from services.scheduling.domain.groups import group_slot
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.schedule import generate_sessions
from services.scheduling.domain.waiting_list import ENROLLED
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases import no_events
from services.scheduling.use_cases.follow_up_booking import book_follow_up, modify_appointment
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
    plan = program_plan(admission["program"], site)
    sessions = generate_sessions(admission["start_date"], admission["planned_end_date"], site.timezone,
                                 group_slot(group) if placement == ENROLLED else None, plan.individual, plan.med_check)
    document, events = admitted_schedule(site_id=site.id, admission=admission, placement=placement, sessions=sessions,
                                         now=clock.now(), caused_by=cause.causation_id,
                                         correlation_id=cause.correlation_id)
    if not store.schedules.insert_once(document, events, cause):
        return  # a concurrent delivery of the same admission got there first
    if group is not None:
        # A seat may have freed between taking the place and writing the schedule.
        seat_promoted_members(store, site, group["_id"])


def change_schedule_length(store: SchedulingStore, cause: Cause, site: Site, change: dict) -> None:
    """intake.enrollment.length_changed: add the sessions of the added weeks, or drop the
    not-yet-attended sessions after the new end. Applying the same end date again changes nothing."""
    now = clock.now()

    def move_end(schedule):
        return no_events(end_moved(schedule, new_end=change["planned_end_date"],
                                   plan=program_plan(schedule["program"], site),
                                   group=_seat_slot(store, site, schedule), timezone=site.timezone, now=now))

    if store.schedules.modify(_key(site, change["enrollment_id"]), move_end, cause) is None:
        raise ScheduleNotReady(f"no schedule yet for enrollment {change['enrollment_id']}")


def change_level_of_care(store: SchedulingStore, cause: Cause, site: Site, change: dict) -> None:
    """intake.level_of_care.changed: re-plan the enrollment's future sessions from the effective date
    to the new program's cadence (domain/enrollment_schedules.py) and emit scheduling.schedule.created
    with ``replanned_from``. A redelivered change, or one overtaken by a later change, changes nothing."""
    now = clock.now()
    plan = program_plan(change["program"], site)

    def replan(schedule):
        return level_of_care_changed(schedule, change=change, plan=plan, group=_seat_slot(store, site, schedule),
                                     timezone=site.timezone, now=now, caused_by=cause.causation_id)

    if store.schedules.modify(_key(site, change["enrollment_id"]), replan, cause) is None:
        raise ScheduleNotReady(f"no schedule yet for enrollment {change['enrollment_id']}")


def _seat_slot(store: SchedulingStore, site: Site, schedule: dict):
    """When the group the enrollment holds a seat in meets; None without a seat."""
    group = store.groups.find_one({"_id": schedule["group_id"], "site_id": site.id}) \
        if schedule["group_placement"] == ENROLLED else None
    return group_slot(group) if group else None


def end_schedule(store: SchedulingStore, cause: Cause, site: Site, discharge: dict) -> None:
    """intake.enrollment.completed or .discharged: cancel the sessions after the discharge date
    (emitting scheduling.sessions.cancelled once), then free the patient's group place. After a
    death, also every future appointment and every other schedule of the patient."""
    now = clock.now()

    def end(schedule):
        return schedule_ended(schedule, discharge_date=discharge["discharge_date"], outcome=discharge["outcome"],
                              caused_by=cause.causation_id, now=now)

    schedule = store.schedules.modify(_key(site, discharge["enrollment_id"]), end, cause)
    if schedule is None:
        document, events = ended_before_admission(site_id=site.id, discharge=discharge, now=clock.now(),
                                                  caused_by=cause.causation_id)
        # Inserted unless the admission landed meanwhile: then that schedule is ended instead.
        schedule = document if store.schedules.insert_once(document, events, cause) \
            else store.schedules.modify(_key(site, discharge["enrollment_id"]), end, cause)
    release_group_places(store, cause, site, discharge["enrollment_id"], also_group_id=schedule.get("group_id"))
    if discharge["outcome"] == appointment_rules.DEATH:
        _end_everything_after_death(store, cause, site, discharge, now)


def _end_everything_after_death(store: SchedulingStore, cause: Cause, site: Site, discharge: dict,
                                now: datetime) -> None:
    """Every other schedule of the patient ended as this one was, and every appointment still booked
    from the day after the death (or from now, if that is earlier) cancelled with reason ``discharged``."""
    others = store.schedules.find({"site_id": site.id, "patient_id": discharge["patient_id"], "status": ACTIVE},
                                  projection={"_id": 1, "enrollment_id": 1, "group_id": 1})
    for other in others:
        if other["enrollment_id"] != discharge["enrollment_id"]:
            store.schedules.modify(_key(site, other["enrollment_id"]), lambda schedule: schedule_ended(
                schedule, discharge_date=discharge["discharge_date"], outcome=discharge["outcome"],
                caused_by=cause.causation_id, now=now), cause)
            release_group_places(store, cause, site, other["enrollment_id"], also_group_id=other.get("group_id"))
    day_after = datetime.combine(discharge["discharge_date"] + timedelta(days=1), time(0), tzinfo=site.zone)
    booked = store.appointments.find({"site_id": site.id, "patient_id": discharge["patient_id"],
                                      "status": appointment_rules.BOOKED,
                                      "starts_at": {"$gte": min(now, day_after.astimezone(UTC))}},
                                     projection={"_id": 1})

    def cancel(appointment):
        if appointment["status"] != appointment_rules.BOOKED:
            return None  # attended or cancelled meanwhile: history, not a plan
        return appointment_rules.cancelled(appointment, reason=appointment_rules.DISCHARGED, note=None, now=now,
                                           by=cause.actor)

    for appointment in booked:
        modify_appointment(store, cause, site, {"_id": appointment["_id"], "site_id": site.id}, cancel)


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
    return schedule_overview(schedule, program_plan(schedule["program"], site).minimum_weekly_hours)
