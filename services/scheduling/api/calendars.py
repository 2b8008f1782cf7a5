"""iCalendar feeds (text/calendar) of a group's meetings and of a patient's sessions and appointments.

Feeds leave the system for phones and third-party calendars: summaries are generic labels of
the kind of session (domain/calendar_feed.py), never a name. They need the site key like every
other call.
"""
from flask import Response
from flask_smorest import Blueprint

from services.scheduling.use_cases import calendars
from services.scheduling.use_cases.calendars import Feed
from shared.http.current import current_site, store

blp = Blueprint("calendars", __name__, url_prefix="/v1", description="Calendar feeds (iCalendar, RFC 5545).")

ICS_RESPONSE = {"200": {"description": "An iCalendar feed.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}}}


def _ics(feed: Feed) -> Response:
    return Response(feed.body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{feed.filename}"'})


@blp.route("/groups/<group_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No such group at this site.")
def group_calendar(group_id):
    """The group's meetings from four weeks ago to thirteen weeks ahead (none once archived)."""
    return _ics(calendars.group_calendar(store(), current_site(), group_id))


@blp.route("/patients/<patient_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No schedule or appointment for this patient at this site.")
def patient_calendar(patient_id):
    """Every session and appointment of the patient at the site; cancelled ones marked CANCELLED."""
    return _ics(calendars.patient_calendar(store(), current_site(), patient_id))
