"""Subscribable calendar links: a read-only, revocable address for a patient's or a group's feed.

The answer that creates a link is the only one that holds its address: the token in it is stored as
a SHA-256 digest only. Listing and reading links never shows a token.
"""
from flask import request, url_for
from flask_smorest import Blueprint

from services.scheduling.api.calendars import SUBSCRIBED_FEED_ENDPOINT
from services.scheduling.api.schemas import CalendarLink, CalendarLinkCreate, CalendarLinkCreated, CalendarLinkQuery
from services.scheduling.use_cases import calendars
from shared.http.current import current_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("calendar_links", __name__, url_prefix="/v1/calendar-links",
                description="Read-only, revocable calendar addresses a calendar app subscribes to.")


def _feed_url(token: str) -> str:
    """The feed's address on the host this request came to (under the service's mount prefix)."""
    path = url_for(SUBSCRIBED_FEED_ENDPOINT, token=token)
    return f"{request.host_url.rstrip('/')}{path}"


@blp.route("", methods=["POST"])
@blp.arguments(CalendarLinkCreate, example={"feed": "patient", "id": "5f0c2b1e-8f7a-4d3c-9b2a-1e6d4c3b2a10"})
@blp.response(201, CalendarLinkCreated)
@blp.alt_response(422, description="Invalid fields, or no such patient or group at this site (on `id`).")
def create_link(fields):
    """Create a calendar link for one feed of the site: a patient's or a group's. The answer holds the
    feed's address (``url``), which needs no key and is shown this once; keep it like a password."""
    link, token = calendars.create_calendar_link(store(), request_cause(), current_site(), fields["feed"],
                                                 fields["id"])
    url = _feed_url(token)
    return {**link, "url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@blp.route("", methods=["GET"])
@blp.arguments(CalendarLinkQuery, location="query")
@blp.response(200, CalendarLink(many=True))
@blp.paginate(page_size=50, max_page_size=200)
def list_links(query, pagination_parameters):
    """The site's calendar links, newest first, by feed, feed id and status; never their tokens."""
    return calendars.list_calendar_links(
        store(), current_site(), query,
        page=lambda documents, selector, sort: page_of(documents, selector, sort, pagination_parameters))


@blp.route("/<link_id>", methods=["GET"])
@blp.response(200, CalendarLink)
def get_link(link_id):
    """One calendar link, without its token."""
    return calendars.get_calendar_link(store(), current_site(), link_id)


@blp.route("/<link_id>", methods=["DELETE"])
@blp.response(204)
def delete_link(link_id):
    """Revoke a calendar link: its address answers 404 from now on (the link stays listed, revoked)."""
    calendars.revoke_calendar_link(store(), request_cause(), current_site(), link_id)


@blp.route("/<link_id>/revoke", methods=["POST"])
@blp.response(200, CalendarLink)
def revoke_link(link_id):
    """Revoke a calendar link: its address answers 404 from now on. Revoking again changes nothing."""
    return calendars.revoke_calendar_link(store(), request_cause(), current_site(), link_id)
