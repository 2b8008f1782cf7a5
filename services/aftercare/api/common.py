"""What every aftercare view needs: its context, the caller's site, and who causes its events."""
from flask import current_app

from services.aftercare.records import EventMaker
from shared.context import ServiceContext
from shared.http.auth import current_principal, current_site_id
from shared.http.request_context import correlation_id
from shared.sites import Site


def service_context() -> ServiceContext:
    return current_app.extensions["iop"]


def caller_site() -> Site:
    return service_context().sites.get(current_site_id())


def actor() -> str:
    """The key's label, written into history entries (never a patient's or a clinician's name)."""
    return current_principal().label


def request_events() -> EventMaker:
    """Events a request causes: the caller's site, the request's correlation id."""
    context, site_id, correlation = service_context(), current_site_id(), correlation_id()
    return lambda event_type, payload: context.event(event_type, payload, site_id=site_id, correlation_id=correlation)
