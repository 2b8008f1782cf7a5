"""iCalendar feeds (text/calendar) of a group's meetings and of a patient's sessions and appointments.

Feeds leave the system for phones and third-party calendars: summaries are generic labels of
the kind of session (domain/calendar_feed.py), never a name. They need the site key like every
other call.
"""
from datetime import timedelta

from flask import Response
from flask_smorest import Blueprint

from services.scheduling.domain.calendar_feed import render_ics, summary_for
from services.scheduling.domain.schedule import generate_sessions
from services.scheduling.schedules import group_slot
from services.scheduling.store import APPOINTMENTS, GROUPS, SCHEDULES
from shared.errors import NotFound
from shared.http.auth import current_site_id
from shared.http.current import collection, current_site, find_at_site

blp = Blueprint("calendars", __name__, url_prefix="/v1", description="Calendar feeds (iCalendar, RFC 5545).")

# How far a group's feed reaches around today: recent meetings and the coming quarter.
GROUP_FEED_PAST = timedelta(days=28)
GROUP_FEED_AHEAD = timedelta(days=91)

ICS_RESPONSE = {"200": {"description": "An iCalendar feed.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}}}


def _feed_status(status: str) -> str:
    # Attendance statuses mean the session took place as planned, as far as a calendar goes.
    return "cancelled" if status == "cancelled" else "scheduled"


def _ics(name: str, items: list[dict], filename: str) -> Response:
    return Response(render_ics(name, items), mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@blp.route("/groups/<group_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No such group at this site.")
def group_calendar(group_id):
    """The group's meetings from four weeks ago to thirteen weeks ahead (none once archived)."""
    group, site = find_at_site(GROUPS, group_id, "group"), current_site()
    meetings = []
    if group.get("archived_at") is None:
        today = site.today()
        meetings = generate_sessions(today - GROUP_FEED_PAST, today + GROUP_FEED_AHEAD, site.timezone,
                                     group_slot(group), None, None)
    items = [{"uid": f"{group_id}-{meeting.starts_at:%Y%m%dT%H%M%SZ}@iop-scheduling", "summary": summary_for("group"),
              "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "status": "scheduled"}
             for meeting in meetings]
    return _ics(group["name"], items, f"group-{group_id}.ics")


@blp.route("/patients/<patient_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No schedule or appointment for this patient at this site.")
def patient_calendar(patient_id):
    """Every session and appointment of the patient at the site; cancelled ones marked CANCELLED."""
    selector = {"site_id": current_site_id(), "patient_id": patient_id}
    schedules = list(collection(SCHEDULES).find(selector))
    appointments = list(collection(APPOINTMENTS).find(selector))
    if not schedules and not appointments:
        raise NotFound(f"No schedule or appointment for patient {patient_id} at this site.")
    items = [{"uid": f"{record['id']}@iop-scheduling", "summary": summary_for(record["kind"]),
              "starts_at": record["starts_at"], "ends_at": record["ends_at"], "status": _feed_status(record["status"])}
             for schedule in schedules for record in schedule["sessions"]]
    items += [{"uid": f"{appointment['_id']}@iop-scheduling", "summary": summary_for(appointment["kind"]),
               "starts_at": appointment["starts_at"], "ends_at": appointment["ends_at"],
               "status": _feed_status(appointment["status"])} for appointment in appointments]
    items.sort(key=lambda item: item["starts_at"])
    return _ics("IOP sessions and appointments", items, "sessions.ics")
