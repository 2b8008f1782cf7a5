"""Intensity: the hours a patient attended each week, against the weekly minimum of the program
they followed that week (DOMAIN.md: "Hours attended count, not hours scheduled").

A week is Monday to Sunday at the site. Once a week is over, it is judged: the minutes of the
enrollment's sessions marked ``present`` that week (``late`` does not count: how late is not
recorded; appointments outside the program's sessions do not count either) against the weekly
minimum of the program in force on the week's Sunday (``program_at``). A week below it raises
``scheduling.intensity.below_minimum``, exactly once per enrollment and week: the weeks raised are
kept on the schedule document, written in the same write as the event.

Weeks not judged:
- the week of admission (a patient who starts on a Thursday cannot have a full week's hours);
- a week the enrollment did not run to its end: the week of discharge (unless the discharge day is
  its Sunday), the weeks after it, and the weeks after the planned end date;
- weeks that ended more than ``LOOKBACK`` ago: a sweep that was stopped for longer, or turned on
  over old schedules, raises no backlog of stale weeks;
- every week of a schedule without any session (a discharge that overtook its admission).
"""
from collections.abc import Callable
from datetime import date, timedelta

from services.scheduling.domain.enrollment_schedules import ENDED, program_at
from services.scheduling.domain.schedule import week_start
from services.scheduling.domain.sessions import planned
from shared.events.registry import DomainEvent
from shared.events.scheduling import intensity_below_minimum

PRESENT = "present"
LOOKBACK = timedelta(weeks=4)
RAISED = "intensity_below_minimum_weeks"


def last_day_in_program(schedule: dict) -> date:
    """The last day the enrollment runs: its planned end, or its discharge date if earlier."""
    ended = schedule.get("ended") if schedule["status"] == ENDED else None
    return min(schedule["planned_end_date"], ended["date"]) if ended else schedule["planned_end_date"]


def weeks_to_judge(schedule: dict, today: date) -> list[date]:
    """The Mondays of the weeks over by ``today`` that the enrollment ran through, but its first."""
    if not schedule["sessions"]:
        return []
    last_day, oldest_sunday = last_day_in_program(schedule), today - LOOKBACK
    monday = week_start(schedule["start_date"]) + timedelta(weeks=1)
    weeks = []
    while monday + timedelta(days=6) < today and monday + timedelta(days=6) <= last_day:
        if monday + timedelta(days=6) >= oldest_sunday:
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def attended_minutes(schedule: dict, monday: date) -> int:
    """Minutes of the sessions of the week starting ``monday`` at which the patient was present."""
    sunday = monday + timedelta(days=6)
    return sum(planned(record).minutes for record in schedule["sessions"]
               if record["status"] == PRESENT and monday <= record["local_date"] <= sunday)


def weeks_below_minimum(schedule: dict, today: date,
                        minimum_minutes: Callable[[str], int]) -> tuple[dict, list[DomainEvent]] | None:
    """The weeks newly judged below their program's minimum (``minimum_minutes(program)``), as the
    schedule's changed fields and one event each; None when there is nothing new to raise."""
    raised = list(schedule.get(RAISED) or [])
    events, weeks = [], []
    for monday in weeks_to_judge(schedule, today):
        if monday in raised:
            continue
        program = program_at(schedule, monday + timedelta(days=6))
        attended, minimum = attended_minutes(schedule, monday), minimum_minutes(program)
        if attended < minimum:
            weeks.append(monday)
            events.append(intensity_below_minimum(
                enrollment_id=schedule["enrollment_id"], patient_id=schedule["patient_id"], program=program,
                week_start=monday, attended_minutes=attended, minimum_minutes=minimum))
    if not events:
        return None
    return {RAISED: sorted([*raised, *weeks])}, events
