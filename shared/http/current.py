"""What a view needs about the current request: the service, the caller's site, the cause, their resources.

Every query a clinician's request makes filters on the site of the verified key, so that another
site's resource answers 404 exactly as if it did not exist (ARCHITECTURE.md §6).
"""
from flask import current_app

from shared.cause import Cause
from shared.context import ServiceContext
from shared.errors import NotFound
from shared.http.auth import current_principal, current_site_id
from shared.http.request_context import correlation_id
from shared.sites import Site
from shared.store import Documents, Store


def service_context() -> ServiceContext:
    return current_app.extensions["iop"]


def store() -> Store:
    return service_context().store


def current_site() -> Site:
    return service_context().sites.get(current_site_id())


def actor() -> str:
    """Who acts, as written into histories: the key's label (never a patient's or a person's name)."""
    return current_principal().label


def request_cause() -> Cause:
    """The cause of whatever this request changes: the caller's site, the request's correlation id
    (X-Request-ID) and the key's label as actor."""
    return Cause(site_id=current_site_id(), correlation_id=correlation_id(), actor=actor())


def find_at_site(documents: Documents, resource_id: str, noun: str) -> dict:
    """The caller's site's document with this id; any other site's is a 404, like a missing one."""
    document = documents.find_one({"_id": resource_id, "site_id": current_site_id()})
    if document is None:
        raise NotFound(f"No {noun} {resource_id} at this site.")
    return document
