"""An enrollment's schedule document over its life: made at admission, its end moved, its group
sessions added when a seat frees, ended at discharge.

One document per enrollment holds its sessions, so that each step is one single-document write.
Each function here returns the document or the changed fields, with the events the step causes
(``scheduling.schedule.created``, ``scheduling.sessions.cancelled``), or None when the document
already reflects the step: that is what makes a redelivered event change nothing.
"""
from datetime import date, datetime, timedelta

from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.program_plans import ProgramPlan
from services.scheduling.domain.schedule import (
    GROUP,
    PlannedSession,
    generate_sessions,
    intensity_warnings,
    trim_or_extend,
    weekly_hours,
)
from services.scheduling.domain.sessions import (
    CANCELLED,
    SCHEDULED,
    booked,
    cancelled_after,
    merged,
    revised,
    session_id,
    session_record,
)
from services.scheduling.domain.waiting_list import ENROLLED, WAITLISTED
from shared.events.registry import DomainEvent
from shared.events.scheduling import schedule_created, sessions_cancelled

ACTIVE = "active"
ENDED = "ended"

# Group placements besides "enrolled" and "waitlisted".
NO_GROUP = "none"
GROUP_UNAVAILABLE = "group_unavailable"  # unknown at this site, or archived
GROUP_PLACEMENTS = (ENROLLED, WAITLISTED, NO_GROUP, GROUP_UNAVAILABLE)

Outcome = tuple[dict, list[DomainEvent]]


def admitted_schedule(*, site_id: str, admission: dict, placement: str, sessions: list[PlannedSession],
                      now: datetime, caused_by: str | None, correlation_id: str | None = None) -> Outcome:
    """The schedule of an admitted enrollment (``admission``: the admitted event's payload), with
    the sessions generated for it, and ``scheduling.schedule.created``. ``correlation_id`` (the
    admission's) is kept for the events a sweep raises about the enrollment later."""
    enrollment_id = admission["enrollment_id"]
    records = [session_record(enrollment_id, session, now) for session in sessions]
    document = {
        "_id": enrollment_id,
        "site_id": site_id,
        "enrollment_id": enrollment_id,
        "patient_id": admission["patient_id"],
        "program": admission["program"],
        "group_id": admission.get("group_id"),
        "group_placement": placement,
        "start_date": admission["start_date"],
        "planned_end_date": admission["planned_end_date"],
        "status": ACTIVE,
        "ended": None,
        "sessions": records,
        "escalated_streaks": [],
        "program_changes": [],
        "intensity_below_minimum_weeks": [],
        "created_at": now,
        "caused_by": caused_by,
        "correlation_id": correlation_id,
    }
    created = schedule_created(
        enrollment_id=enrollment_id,
        patient_id=admission["patient_id"],
        group_id=admission.get("group_id"),
        session_count=len(records),
        waitlisted=placement == WAITLISTED,
        first_session_at=records[0]["starts_at"] if records else None,
        last_session_at=records[-1]["starts_at"] if records else None,
        program=admission["program"],
    )
    return document, [created]


def _cancelled(schedule: dict, count: int, outcome: str) -> DomainEvent:
    return sessions_cancelled(enrollment_id=schedule["enrollment_id"], patient_id=schedule["patient_id"],
                              cancelled_count=count, reason=outcome)


def schedule_ended(schedule: dict, *, discharge_date: date, outcome: str, caused_by: str | None,
                   now: datetime) -> Outcome | None:
    """The schedule ended at a discharge: every session after the discharge date cancelled, once."""
    if schedule["status"] == ENDED:
        return None
    sessions, count = cancelled_after(schedule["sessions"], discharge_date, now)
    changes = {
        "status": ENDED,
        "ended": {"date": discharge_date, "outcome": outcome, "caused_by": caused_by},
        "sessions": sessions,
    }
    return changes, [_cancelled(schedule, count, outcome)]


def ended_before_admission(*, site_id: str, discharge: dict, now: datetime, caused_by: str | None) -> Outcome:
    """A discharge that overtook its admission (``discharge``: its payload): an ended, empty schedule,
    so that the late admission finds the natural key taken and schedules nothing for a patient who left."""
    document = {
        "_id": discharge["enrollment_id"],
        "site_id": site_id,
        "enrollment_id": discharge["enrollment_id"],
        "patient_id": discharge["patient_id"],
        "program": discharge["program"],
        "group_id": None,
        "group_placement": NO_GROUP,
        "start_date": discharge["start_date"],
        "planned_end_date": discharge["discharge_date"],
        "status": ENDED,
        "ended": {"date": discharge["discharge_date"], "outcome": discharge["outcome"], "caused_by": caused_by},
        "sessions": [],
        "escalated_streaks": [],
        "created_at": now,
        "caused_by": caused_by,
    }
    return document, [_cancelled(document, 0, discharge["outcome"])]


def end_moved(schedule: dict, *, new_end: date, plan: ProgramPlan, group: GroupSlot | None,
              timezone: str, now: datetime) -> dict | None:
    """The changed fields when the planned end moves: the sessions of added weeks added, and the
    not-yet-attended sessions after a new, earlier end dropped (they were plans, not history)."""
    if schedule["status"] != ACTIVE or schedule["planned_end_date"] == new_end:
        return None
    change = trim_or_extend(
        booked(schedule["sessions"]), start_date=schedule["start_date"], old_end_date=schedule["planned_end_date"],
        new_end_date=new_end, timezone=timezone, group=group, individual=plan.individual, med_check=plan.med_check,
    )
    dropped = {session_id(schedule["enrollment_id"], session) for session in change.to_cancel}
    kept = [record for record in schedule["sessions"] if record["id"] not in dropped or record["status"] != SCHEDULED]
    additions = [session_record(schedule["enrollment_id"], session, now) for session in change.to_add]
    return {"planned_end_date": new_end, "sessions": merged(kept, additions)}


def seated(schedule: dict, *, group: GroupSlot, today: date, timezone: str, now: datetime) -> dict | None:
    """The changed fields when a waiting enrollment gets its seat: the group's sessions from today
    at the site (or the enrollment's start, if later), since a seat is not granted in the past."""
    if schedule["status"] != ACTIVE or schedule["group_placement"] != WAITLISTED:
        return None
    first_day, last_day = max(schedule["start_date"], today), schedule["planned_end_date"]
    sessions = generate_sessions(first_day, last_day, timezone, group, None, None) if first_day <= last_day else []
    additions = [session_record(schedule["enrollment_id"], session, now) for session in sessions]
    return {"group_placement": ENROLLED, "sessions": merged(schedule["sessions"], additions)}


def schedule_overview(schedule: dict, minimum_weekly_hours: float) -> dict:
    """The schedule with its hours per week and the full weeks below the program's minimum."""
    sessions = booked(schedule["sessions"])
    warnings = intensity_warnings(sessions, minimum_weekly_hours, start_date=schedule["start_date"],
                                  end_date=schedule["planned_end_date"])
    return {
        **schedule,
        "session_count": len(sessions),
        "weekly_hours": [{"week_start": monday, "scheduled_hours": hours}
                         for monday, hours in weekly_hours(sessions).items()],
        "warnings": [{**warning, "minimum_hours": minimum_weekly_hours} for warning in warnings],
    }


# --- a change of level of care -------------------------------------------------------------------

def program_at(schedule: dict, day: date) -> str:
    """The program the enrollment followed on ``day``: the admission's, then each change's from its
    effective date."""
    program = schedule["program"]
    for change in sorted(schedule.get("program_changes") or [], key=lambda applied: applied["effective_date"],
                         reverse=True):
        if change["effective_date"] > day:
            program = change["previous_program"]
    return program


def _is_applied(schedule: dict, change: dict) -> bool:
    """The same change arrived before, or one effective later was applied already (an older
    change delivered late must not undo it)."""
    applied = schedule.get("program_changes") or []
    return any((earlier["program"], earlier["effective_date"]) == (change["program"], change["effective_date"])
               or earlier["effective_date"] > change["effective_date"] for earlier in applied)


def _replanned_sessions(schedule: dict, *, first_day: date, new_end: date, wanted: list[PlannedSession],
                        now: datetime) -> tuple[list[dict], int]:
    """The sessions with the future ones from ``first_day`` on that are not ``wanted`` cancelled, the
    wanted ones added (or a cancelled one reinstated), and how many were cancelled. Group sessions
    are the seat's, not the program's: they stay, up to the new end. History stays as it was."""
    enrollment_id = schedule["enrollment_id"]
    wanted_ids = {session_id(enrollment_id, session) for session in wanted if session.starts_at > now}
    result, count = [], 0
    for record in schedule["sessions"]:
        future = record["starts_at"] > now and record["local_date"] >= first_day
        if future and record["status"] == SCHEDULED and (
                record["local_date"] > new_end if record["kind"] == GROUP else record["id"] not in wanted_ids):
            record, count = revised(record, now, status=CANCELLED), count + 1
        elif future and record["status"] == CANCELLED and record["id"] in wanted_ids:
            record = revised(record, now, status=SCHEDULED)
        result.append(record)
    additions = [session_record(enrollment_id, session, now) for session in wanted if session.starts_at > now]
    return merged(result, additions), count


def level_of_care_changed(schedule: dict, *, change: dict, plan: ProgramPlan, group: GroupSlot | None,
                          timezone: str, now: datetime, caused_by: str | None) -> Outcome | None:
    """The schedule re-planned for a change of level of care (``change``: the event's payload) from
    its effective date: the new program's individual sessions and check-ins (their rhythm counted
    from the effective date), the group's meetings kept, the end moved to the new planned end.
    Sessions already past, or whose attendance was taken, are history and stay. None for an ended
    schedule, or a change already applied (a redelivery) or overtaken by a later one."""
    if schedule["status"] != ACTIVE or _is_applied(schedule, change):
        return None
    first_day, new_end = change["effective_date"], change["planned_end_date"]
    old_end = schedule["planned_end_date"]
    wanted = generate_sessions(first_day, new_end, timezone, None, plan.individual, plan.med_check) \
        if first_day <= new_end else []
    if group is not None and new_end > old_end:
        start = max(first_day, old_end + timedelta(days=1))
        wanted += generate_sessions(start, new_end, timezone, group, None, None) if start <= new_end else []
    sessions, cancelled_count = _replanned_sessions(schedule, first_day=first_day, new_end=new_end,
                                                    wanted=wanted, now=now)
    applied = {"program": change["program"], "previous_program": change["previous_program"],
               "effective_date": first_day, "planned_end_date": new_end, "applied_at": now, "caused_by": caused_by}
    changes = {"program": change["program"], "planned_end_date": new_end, "sessions": sessions,
               "program_changes": [*(schedule.get("program_changes") or []), applied]}
    booked_from = [record for record in sessions if record["status"] == SCHEDULED and record["local_date"] >= first_day]
    created = schedule_created(
        enrollment_id=schedule["enrollment_id"], patient_id=schedule["patient_id"], group_id=schedule.get("group_id"),
        session_count=len(booked_from), waitlisted=schedule["group_placement"] == WAITLISTED,
        first_session_at=booked_from[0]["starts_at"] if booked_from else None,
        last_session_at=booked_from[-1]["starts_at"] if booked_from else None,
        program=change["program"], replanned_from=first_day, cancelled_count=cancelled_count,
    )
    return changes, [created]
