"""The scheduling API: ``gunicorn 'services.scheduling.app:create_app()'``."""
from services.scheduling.api import appointments, calendar_links, calendars, enrollments, groups, sessions
from services.scheduling.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Therapy groups and their waiting lists, each enrollment's sessions, attendance,
appointments such as the aftercare follow-up, and calendar feeds.

Schedules are made by events, not by calls: `intake.enrollment.admitted` generates the sessions
from the start date to the planned end date in the site's timezone: the group's meetings, plus the
individual therapy and medication check-ins of the program's cadence in the site's program catalog
(`programs[].cadence`: individual sessions a week, a check-in every N weeks; the site's
`scheduling.programs.<code>` overrides say on which weekday and at what time, layered over it), and
emits `scheduling.schedule.created`. A full group puts the patient on its waiting list, seated first
come, first served when a seat frees. Groups belong to a program of the site's catalog (another
code: 422 on `program`). `intake.enrollment.length_changed` extends or trims the schedule;
`intake.level_of_care.changed` re-plans the sessions from its effective date to the new program's
cadence (future sessions that no longer fit are cancelled, the new ones added, the group's meetings
kept) and emits `scheduling.schedule.created` with `replanned_from`. A discharge cancels the
sessions after the discharge date (`scheduling.sessions.cancelled`) and frees the seat; a
completion also books the follow-up (kind `aftercare_follow_up`) on a site business day within 7
days after the discharge date, or the earliest later slot marked `late`
(`scheduling.appointment.booked`). A discharge with outcome `death` also cancels every future
appointment of the patient and ends the patient's other schedules; nothing is booked for them again.

Instants are stored in UTC and answered with the site's UTC offset. Attendance emits
`scheduling.attendance.recorded` with the session's kind and start, and for a group meeting its
group and the group's modality; consecutive unexcused absences reaching the site's threshold emit
`scheduling.absence.escalated` once per streak. Every finished week (Monday to Sunday at the site)
whose attended (`present`) hours stayed below the weekly minimum of the program in force raises
`scheduling.intensity.below_minimum` once, from the worker's sweep (not the week of admission, nor
a week the enrollment did not run to its end).

Staff book appointments of any kind with `POST /appointments`; a follow-up booked so counts as the
discharge's follow-up. Calendar feeds come per group and per patient with the site key, or through
a calendar link (`POST /calendar-links`): a read-only, revocable address holding a random token,
shown once and stored as its SHA-256 digest, which calendar apps subscribe to without any key
(`GET /calendar-feed.ics?token=`). A patient's feed titles events "Group session" or "Appointment"
only."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP scheduling",
        description=DESCRIPTION,
        blueprints=[groups.blp, enrollments.blp, sessions.blp, appointments.blp, calendars.blp, calendar_links.blp],
        config=config,
    )
