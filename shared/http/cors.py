"""Cross-origin calls from the sites' own front-ends (flask-cors), origins allowed per site.

Each site lists its front-ends' origins in the sites file (``allowed_origins``; none by default).
Preflights are answered without a key for any origin some site allows; a call with a key from an
origin its own site does not allow is refused with 403, so one site's front-end cannot use
another site's key from a browser. Answers expose the headers front-ends read.
"""
from flask import g, request
from flask_cors import CORS

from shared.http.problems import problem
from shared.sites import Sites

ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID", "X-Actor"]
EXPOSED_HEADERS = ["X-Pagination", "X-Request-ID", "Idempotent-Replayed", "Location", "Retry-After"]
PREFLIGHT_CACHE_SECONDS = 600


def site_origins(sites: Sites) -> dict[str, set[str]]:
    return {site.id: set(site.options.get("allowed_origins") or []) for site in sites.all()}


def install_cors(app, sites: Sites) -> None:
    by_site = site_origins(sites)
    every_origin = sorted(set().union(*by_site.values())) if by_site else []
    CORS(app, origins=every_origin, allow_headers=ALLOWED_HEADERS, expose_headers=EXPOSED_HEADERS,
         max_age=PREFLIGHT_CACHE_SECONDS, supports_credentials=False)

    @app.before_request
    def origin_of_the_keys_site():
        origin, principal = request.headers.get("Origin"), g.get("principal")
        if origin is None or principal is None or principal.is_operator:
            return None
        if origin == request.host_url.rstrip("/") or origin in by_site.get(principal.site_id, set()):
            return None
        return problem(403, "Forbidden", "This site's key may not be used from this origin.")
