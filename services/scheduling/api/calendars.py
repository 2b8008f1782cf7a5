"""iCalendar feeds (text/calendar) of a group's meetings and of a patient's sessions and appointments.

Feeds leave the system for phones and third-party calendars: a patient's feed titles its events
"Group session" or "Appointment" only (domain/calendar_feed.py). The feeds under ``/groups`` and
``/patients`` need the site key like every other call; ``/calendar-feed.ics`` is the address of a
subscribable calendar link (api/calendar_links.py) and needs only the link's token.
"""
from flask import Response, g
from flask_smorest import Blueprint

from services.scheduling.api.schemas import FeedToken
from services.scheduling.use_cases import calendars
from services.scheduling.use_cases.calendars import Feed
from shared.http.current import current_site, service_context, store
from shared.sites import Principal

blp = Blueprint("calendars", __name__, url_prefix="/v1", description="Calendar feeds (iCalendar, RFC 5545).")

ICS_RESPONSE = {"200": {"description": "An iCalendar feed.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}}}
# The endpoint shared.http.auth.PUBLIC_ENDPOINTS lets through without a key: the token is the credential.
SUBSCRIBED_FEED_ENDPOINT = "calendars.subscribed_calendar"
LINK_ROLE = "calendar_link"


def _ics(feed: Feed) -> Response:
    return Response(feed.body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{feed.filename}"'})


@blp.route("/groups/<group_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No such group at this site.")
def group_calendar(group_id):
    """The group's meetings from four weeks ago to thirteen weeks ahead (none once archived), titled
    with the group's name."""
    return _ics(calendars.group_calendar(store(), current_site(), group_id))


@blp.route("/patients/<patient_id>/calendar.ics", methods=["GET"])
@blp.doc(responses=ICS_RESPONSE)
@blp.alt_response(404, description="No schedule or appointment for this patient at this site.")
def patient_calendar(patient_id):
    """Every session and appointment of the patient at the site; cancelled ones marked CANCELLED.
    Titles are "Group session" or "Appointment": nothing a lock screen should not show."""
    return _ics(calendars.patient_calendar(store(), current_site(), patient_id))


@blp.route("/calendar-feed.ics", methods=["GET"])
@blp.arguments(FeedToken, location="query")
@blp.doc(responses=ICS_RESPONSE, security=[])
@blp.alt_response(404, description="No calendar link with this token, or a revoked one.")
def subscribed_calendar(query):
    """The feed of a calendar link, read with its token and no key: what a calendar app subscribes
    to. A patient's feed or a group's, as the link says; 404 once the link is revoked."""
    feed, link = calendars.subscribed_calendar(store(), service_context().sites, query["token"])
    # The link acts as the caller of this read, so that the audit trail records who read which
    # site's feed (the token travels in the query string, which the trail never records).
    g.principal = Principal(role=LINK_ROLE, label=f"calendar link {link['_id']}", site_id=link["site_id"])
    return _ics(feed)
