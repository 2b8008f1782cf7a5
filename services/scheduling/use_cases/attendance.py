"""Attendance at an enrollment's sessions: recorded (or corrected) with its events, and summed up
against the program's weekly minimum."""
from services.scheduling.domain.attendance import attendance_summary, take_attendance
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases.schedules import find_schedule
from shared import clock
from shared.cause import Cause
from shared.errors import NotFound
from shared.sites import Site


def record_session_attendance(store: SchedulingStore, cause: Cause, site: Site, enrollment_id: str,
                              session_id: str, status: str) -> dict:
    """Record (or correct) attendance on one session: emits scheduling.attendance.recorded, and
    scheduling.absence.escalated once per streak of unexcused absences reaching the site's
    threshold. Recording the same status again changes nothing. Returns the session.

    The event tells the session's kind and start, and for a group meeting its group and the group's
    modality as it is now (read from the group, so an edited modality applies from then on)."""
    now = clock.now()

    def record(schedule):
        group = store.groups.find_one({"_id": schedule["group_id"], "site_id": site.id}, projection={"modality": 1}) \
            if schedule.get("group_id") else None
        change = take_attendance(schedule, session_id, status, cause.actor, now, site.absence_escalation_threshold,
                                 group_modality=group["modality"] if group else None)
        return None if change.changes is None else (change.changes, change.events)

    schedule = store.schedules.modify({"site_id": site.id, "enrollment_id": enrollment_id}, record, cause)
    if schedule is None:
        raise NotFound(f"No schedule for enrollment {enrollment_id} at this site.")
    return next(record for record in schedule["sessions"] if record["id"] == session_id)


def summarize_attendance(store: SchedulingStore, site: Site, enrollment_id: str) -> dict:
    """Attended against scheduled hours per week, against the program's weekly minimum."""
    schedule = find_schedule(store, site, enrollment_id)
    minimum = program_plan(schedule["program"], site).minimum_weekly_hours
    return attendance_summary(schedule, minimum, site.today())
