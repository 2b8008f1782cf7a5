"""Site authentication (CONTRACT.md, Sites and keys).

Every request but health and docs carries ``Authorization: Bearer <key>``. A clinician key acts
for its own site only; the site comes from the key, never from the path, query or body. An
operator key reaches the endpoints marked :func:`operations_endpoint`, across every site.
"""
from flask import current_app, g, request

from shared.http.hardening import FailedAuthenticationLimit
from shared.http.problems import problem
from shared.sites import Principal

# Seconds a client refused for too many failed authentications is told to wait.
RETRY_AFTER_SECONDS = 60

PUBLIC_ENDPOINTS = {"healthz", "readyz", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "docs_assets", "static", "calendars.subscribed_calendar"}


def operations_endpoint(view):
    """Mark a view as reachable with an operator key (census, reports, dead letters)."""
    view.iop_operations = True
    return view


def install_authentication(app, on_failure=lambda: None) -> None:
    """``on_failure`` is called for each refused key (the audit trail records it)."""
    failures = FailedAuthenticationLimit()

    @app.before_request
    def authenticate():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None or request.method == "OPTIONS":
            return None
        address = request.remote_addr or "-"
        # Checked before the key is looked at, so that guessing stops being worth it.
        if failures.exceeded(address):
            return problem(429, "Too many requests", "Too many failed authentications from this address; wait and retry.",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        principal = current_app.extensions["iop"].sites.authenticate(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if principal is None:
            failures.record_failure(address)
            on_failure()
            return problem(401, "Unauthorized", "Send a valid site key as 'Authorization: Bearer <key>'.",
                           headers={"WWW-Authenticate": 'Bearer realm="iop"'})
        g.principal = principal
        view = current_app.view_functions.get(request.endpoint)
        if principal.is_operator and not getattr(view, "iop_operations", False):
            return problem(403, "Forbidden", "Operator keys reach the operations endpoints only; use a site key.")
        return None


def current_principal() -> Principal:
    return g.principal


def current_site_id() -> str:
    """The site of the calling clinician key (operators never reach views that call this)."""
    return g.principal.site_id


def visible_site_ids() -> list[str] | None:
    """For operations endpoints: None means every site (operator), else the caller's own site."""
    principal = g.principal
    return None if principal.is_operator else [principal.site_id]
