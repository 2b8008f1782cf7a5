"""Taking attendance on a session, corrections included (history kept)."""
from flask_smorest import Blueprint

from services.scheduling.api.schemas import AttendanceRecord, Session
from services.scheduling.use_cases import attendance
from shared.http.current import current_site, request_cause, store

blp = Blueprint("sessions", __name__, url_prefix="/v1/sessions", description="Attendance at sessions.")


@blp.route("/<session_id>/attendance", methods=["POST"])
@blp.arguments(AttendanceRecord)
@blp.response(200, Session)
@blp.alt_response(404, description="No such session in this enrollment at this site.")
@blp.alt_response(409, description="The session was cancelled.")
def record_attendance(fields, session_id):
    """Record (or correct) attendance: emits scheduling.attendance.recorded, and
    scheduling.absence.escalated once per streak of unexcused absences reaching the site's
    threshold (2 unless configured). Recording the same status again changes nothing."""
    return attendance.record_session_attendance(store(), request_cause(), current_site(), fields["enrollment_id"],
                                                session_id, fields["status"])
