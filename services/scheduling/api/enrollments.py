"""An enrollment's schedule as scheduling knows it: its sessions, weekly hours and attendance."""
from datetime import date, timedelta

from flask_smorest import Blueprint

from services.scheduling.api.schemas import AttendanceSummary, Schedule, Session, SessionQuery
from services.scheduling.attendance_records import recorded_history
from services.scheduling.domain.attendance import AttendanceRecord, attended_hours_by_week, unexcused_streak
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.domain.schedule import intensity_warnings, weekly_hours
from services.scheduling.session_records import is_cancelled, planned
from services.scheduling.store import SCHEDULES
from shared.errors import NotFound
from shared.http.auth import current_site_id
from shared.http.current import collection, current_site
from shared.http.pagination import page_of_list

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Each enrollment's sessions, scheduled from its admission event.")


def find_schedule(enrollment_id: str) -> dict:
    schedule = collection(SCHEDULES).find_one({"site_id": current_site_id(), "enrollment_id": enrollment_id})
    if schedule is None:
        raise NotFound(f"No schedule for enrollment {enrollment_id} at this site.")
    return schedule


def _booked(schedule: dict) -> list:
    return [planned(record) for record in schedule["sessions"] if not is_cancelled(record)]


@blp.route("/<enrollment_id>/sessions", methods=["GET"])
@blp.arguments(SessionQuery, location="query")
@blp.response(200, Session(many=True))
@blp.paginate(page_size=200, max_page_size=500)
def list_sessions(query, enrollment_id, pagination_parameters):
    """The enrollment's sessions in time order (a whole program fits one default page)."""
    sessions = [record for record in find_schedule(enrollment_id)["sessions"]
                if all(record[name] == value for name, value in query.items())]
    return page_of_list(sessions, pagination_parameters)


@blp.route("/<enrollment_id>/schedule", methods=["GET"])
@blp.response(200, Schedule)
def get_schedule(enrollment_id):
    """The schedule's state, its hours per week and the full weeks below the program's minimum."""
    schedule = find_schedule(enrollment_id)
    minimum = program_plan(schedule["program"], current_site().options).minimum_weekly_hours
    booked = _booked(schedule)
    warnings = intensity_warnings(booked, minimum, start_date=date.fromisoformat(schedule["start_date"]),
                                  end_date=date.fromisoformat(schedule["planned_end_date"]))
    return {
        **schedule,
        "session_count": len(booked),
        "weekly_hours": [{"week_start": monday, "scheduled_hours": hours} for monday, hours in weekly_hours(booked).items()],
        "warnings": [{**warning, "minimum_hours": minimum} for warning in warnings],
    }


@blp.route("/<enrollment_id>/attendance-summary", methods=["GET"])
@blp.response(200, AttendanceSummary)
def attendance_summary(enrollment_id):
    """Attended against scheduled hours per week, against the program's weekly minimum."""
    schedule, site = find_schedule(enrollment_id), current_site()
    minimum = program_plan(schedule["program"], site.options).minimum_weekly_hours
    scheduled = weekly_hours(_booked(schedule))
    attended = attended_hours_by_week(AttendanceRecord(planned(record), record["status"])
                                      for record in schedule["sessions"] if record.get("attendance") is not None)
    today = site.today()
    weeks = [{
        "week_start": monday,
        "scheduled_hours": hours,
        "attended_hours": attended.get(monday, 0.0),
        "below_minimum": attended.get(monday, 0.0) < minimum if monday + timedelta(days=6) < today else None,
    } for monday, hours in scheduled.items()]
    return {
        "enrollment_id": enrollment_id,
        "minimum_weekly_hours": minimum,
        "attended_hours_total": round(sum(attended.values()), 2),
        "unexcused_absences_in_a_row": unexcused_streak([status for _, status in recorded_history(schedule["sessions"])]),
        "weeks": weeks,
    }
