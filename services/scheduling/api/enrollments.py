"""An enrollment's schedule as scheduling knows it: its sessions, weekly hours and attendance."""
from flask_smorest import Blueprint

from services.scheduling.api.schemas import AttendanceSummary, Schedule, Session, SessionQuery
from services.scheduling.use_cases import attendance, schedules
from shared.http.current import current_site, store
from shared.http.pagination import page_of_list

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Each enrollment's sessions, scheduled from its admission event.")


@blp.route("/<enrollment_id>/sessions", methods=["GET"])
@blp.arguments(SessionQuery, location="query")
@blp.response(200, Session(many=True))
@blp.paginate(page_size=200, max_page_size=500)
def list_sessions(query, enrollment_id, pagination_parameters):
    """The enrollment's sessions in time order (a whole program fits one default page)."""
    return page_of_list(schedules.list_sessions(store(), current_site(), enrollment_id, query), pagination_parameters)


@blp.route("/<enrollment_id>/schedule", methods=["GET"])
@blp.response(200, Schedule)
def get_schedule(enrollment_id):
    """The schedule's state, its hours per week and the full weeks below the program's minimum."""
    return schedules.get_schedule(store(), current_site(), enrollment_id)


@blp.route("/<enrollment_id>/attendance-summary", methods=["GET"])
@blp.response(200, AttendanceSummary)
def attendance_summary(enrollment_id):
    """Attended against scheduled hours per week, against the program's weekly minimum."""
    return attendance.summarize_attendance(store(), current_site(), enrollment_id)
