"""Taking attendance on a session, corrections included (history kept)."""

from flask_smorest import Blueprint

from services.scheduling.api.enrollments import find_schedule
from services.scheduling.api.schemas import AttendanceRecord, Session
from services.scheduling.attendance_records import take_attendance
from services.scheduling.store import SCHEDULES
from shared import clock
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, current_site, request_event
from shared.outbox import modify

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
    site, now = current_site(), clock.now()
    find_schedule(fields["enrollment_id"])
    answer = {}

    def apply(schedule):
        change = take_attendance(schedule["sessions"], schedule.get("escalated_streaks") or [], session_id,
                                 fields["status"], actor(), now, site.absence_escalation_threshold)
        answer["session"] = change.session
        if not change.changed:
            return None
        ids = {"enrollment_id": schedule["enrollment_id"], "patient_id": schedule["patient_id"]}
        events = [request_event("scheduling.attendance.recorded",
                                {"session_id": session_id, **ids, "status": fields["status"]})]
        changes = {"sessions": change.sessions}
        if change.escalation is not None:
            changes["escalated_streaks"] = [*(schedule.get("escalated_streaks") or []), change.escalation.opened_by]
            events.append(request_event("scheduling.absence.escalated", {
                **ids, "consecutive_absences": change.escalation.absences, "last_session_id": change.last_absence_id,
            }))
        return changes, events

    modify(collection(SCHEDULES), {"site_id": current_site_id(), "enrollment_id": fields["enrollment_id"]}, apply)
    return answer["session"]
