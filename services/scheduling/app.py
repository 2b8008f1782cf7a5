"""The scheduling API: ``gunicorn 'services.scheduling.app:create_app()'``."""
from services.scheduling.api import appointments, calendars, enrollments, groups, sessions
from services.scheduling.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Therapy groups and their waiting lists, each enrollment's sessions, attendance, and
appointments such as the aftercare follow-up.

Schedules are made by events, not by calls: `intake.enrollment.admitted` generates the sessions
from the start date to the planned end date in the site's timezone (the group's meetings, one
individual therapy a week, a medication check-in every two weeks; per program overrides in the
site's `scheduling` option) and emits `scheduling.schedule.created`; a full group puts the patient
on its waiting list, seated first come, first served when a seat frees.
`intake.enrollment.length_changed` extends or trims the schedule. A discharge cancels the sessions
after the discharge date (`scheduling.sessions.cancelled`) and frees the seat; a completion also
books the follow-up (kind `aftercare_follow_up`) on a site business day within 7 days after the
discharge date, or the earliest later slot marked `late` (`scheduling.appointment.booked`).

Instants are stored in UTC and answered with the site's UTC offset. Attendance emits
`scheduling.attendance.recorded`; consecutive unexcused absences reaching the site's threshold
emit `scheduling.absence.escalated` once per streak."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP scheduling",
        description=DESCRIPTION,
        blueprints=[groups.blp, enrollments.blp, sessions.blp, appointments.blp, calendars.blp],
        config=config,
    )
