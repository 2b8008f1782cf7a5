"""An enrollment's schedule document over its life: made at admission, its end moved, its group
sessions added when a seat frees, ended at discharge.

One document per enrollment holds its sessions, so that each step is one single-document write.
Each function here returns the document or the changed fields, with the events the step causes
(``scheduling.schedule.created``, ``scheduling.sessions.cancelled``), or None when the document
already reflects the step: that is what makes a redelivered event change nothing.
"""
from datetime import date, datetime

from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.program_plans import ProgramPlan
from services.scheduling.domain.schedule import (
    PlannedSession,
    generate_sessions,
    intensity_warnings,
    trim_or_extend,
    weekly_hours,
)
from services.scheduling.domain.sessions import (
    SCHEDULED,
    booked,
    cancelled_after,
    merged,
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
                      now: datetime, caused_by: str | None) -> Outcome:
    """The schedule of an admitted enrollment (``admission``: the admitted event's payload), with
    the sessions generated for it, and ``scheduling.schedule.created``."""
    enrollment_id = admission["enrollment_id"]
    records = [session_record(enrollment_id, session) for session in sessions]
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
        "created_at": now,
        "caused_by": caused_by,
    }
    created = schedule_created(
        enrollment_id=enrollment_id,
        patient_id=admission["patient_id"],
        group_id=admission.get("group_id"),
        session_count=len(records),
        waitlisted=placement == WAITLISTED,
        first_session_at=records[0]["starts_at"] if records else None,
        last_session_at=records[-1]["starts_at"] if records else None,
    )
    return document, [created]


def _cancelled(schedule: dict, count: int, outcome: str) -> DomainEvent:
    return sessions_cancelled(enrollment_id=schedule["enrollment_id"], patient_id=schedule["patient_id"],
                              cancelled_count=count, reason=outcome)


def schedule_ended(schedule: dict, *, discharge_date: date, outcome: str, caused_by: str | None) -> Outcome | None:
    """The schedule ended at a discharge: every session after the discharge date cancelled, once."""
    if schedule["status"] == ENDED:
        return None
    sessions, count = cancelled_after(schedule["sessions"], discharge_date)
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
              timezone: str) -> dict | None:
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
    additions = [session_record(schedule["enrollment_id"], session) for session in change.to_add]
    return {"planned_end_date": new_end, "sessions": merged(kept, additions)}


def seated(schedule: dict, *, group: GroupSlot, today: date, timezone: str) -> dict | None:
    """The changed fields when a waiting enrollment gets its seat: the group's sessions from today
    at the site (or the enrollment's start, if later), since a seat is not granted in the past."""
    if schedule["status"] != ACTIVE or schedule["group_placement"] != WAITLISTED:
        return None
    first_day, last_day = max(schedule["start_date"], today), schedule["planned_end_date"]
    sessions = generate_sessions(first_day, last_day, timezone, group, None, None) if first_day <= last_day else []
    additions = [session_record(schedule["enrollment_id"], session) for session in sessions]
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
