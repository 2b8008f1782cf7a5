"""The audit trail: every authenticated call is recorded as who, which site, what, when and outcome.

Only the path (ids, never query strings, which may carry an MRN or a name prefix) is kept.
"""
import logging
import time
from datetime import datetime, timezone

from flask import current_app, g, request
from pymongo import ASCENDING, IndexModel

log = logging.getLogger("iop.access")

COLLECTION = "audit_log"
INDEXES = {COLLECTION: [IndexModel([("site_id", ASCENDING), ("at", ASCENDING)])]}


def install_audit(app) -> None:
    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def record(response):
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        rule = request.url_rule.rule if request.url_rule else "-"
        log.info("%s %s %s %.1fms request_id=%s", request.method, rule, response.status_code, elapsed_ms, g.get("request_id"))
        principal = g.get("principal")
        if principal is None:
            return response
        try:
            current_app.extensions["iop"].db[COLLECTION].insert_one({
                "at": datetime.now(timezone.utc),
                "service": current_app.extensions["iop"].service,
                "site_id": principal.site_id,
                "actor": principal.label,
                "role": principal.role,
                "method": request.method,
                "path": request.path,
                "route": rule,
                "status": response.status_code,
                "request_id": g.get("request_id"),
            })
        except Exception:
            log.exception("audit record not written for request_id=%s", g.get("request_id"))
        return response
