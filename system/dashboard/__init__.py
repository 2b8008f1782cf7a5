"""The operators' dashboard: one page of charts (census per site and program, completions and
discharges over time, 7- and 30-day follow-up rates, open and overdue case-management tasks,
pipeline health), for an operator key.

``make run``'s gateway mounts it at ``/dashboard``; docker-compose runs it in a container of its
own (``gunicorn 'system.dashboard:create_app()'`` with ``SCRIPT_NAME=/dashboard``) behind the same
gateway. The page and its scripts carry no data and need no key; the browser asks for the key,
keeps it in the tab's sessionStorage and sends it to ``/v1/summary``, which checks it is an
operator's and then reads the services' APIs with it. Every asset is served from here (the charts
from the plotly package's own plotly.min.js): no CDN.

Configuration: ``IOP_DASHBOARD_API_URL`` (base URL of the APIs; default this machine's
``http://127.0.0.1:IOP_HTTP_PORT``), ``IOP_WORKER_METRICS_URLS`` (``service=url,...``, where the
outbox backlogs are read), and the broker and sites file of every process.
"""
import os
from importlib import resources
from pathlib import Path

from flask import Flask, jsonify, redirect, request, send_file, send_from_directory
from werkzeug.exceptions import HTTPException

from shared.config import load_settings
from shared.http.problems import from_http_exception, problem
from shared.logging_setup import configure_logging
from shared.messaging.connection import broker_answers
from shared.metrics import install_http_metrics
from shared.sites import load_sites
from system.dashboard.data import Sources, summary
from system.pipeline import parse_metrics_urls

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = resources.files("plotly") / "package_data" / "plotly.min.js"
# Plotly draws with inline styles; everything else comes from this origin only.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")


def sources_from_environment(settings) -> Sources:
    return Sources(api_url=(os.environ.get("IOP_DASHBOARD_API_URL") or f"http://127.0.0.1:{settings.http_port}").rstrip("/"),
                   settings=settings, worker_metrics=parse_metrics_urls(os.environ.get("IOP_WORKER_METRICS_URLS")))


def create_app(config: dict | None = None, sources: Sources | None = None) -> Flask:
    configure_logging("api")  # the dashboard's lines name it as their service
    settings = load_settings()
    sites = load_sites(settings.sites_file)
    sources = sources or sources_from_environment(settings)
    app = Flask("dashboard", static_folder=None)
    app.config.update(config or {})
    app.register_error_handler(HTTPException, from_http_exception)

    @app.before_request
    def to_the_page():
        if not request.environ.get("PATH_INFO"):  # /dashboard: the page's assets are relative to /dashboard/
            return redirect(request.script_root + "/", code=308)
        return None

    @app.get("/")
    def page():
        return send_from_directory(STATIC, "index.html", max_age=0)

    @app.get("/assets/plotly.min.js")
    def plotly_js():
        return send_file(str(PLOTLY_JS), mimetype="text/javascript", max_age=86400)

    @app.get("/assets/<name>")
    def asset(name):
        return send_from_directory(STATIC, name, max_age=0)

    @app.get("/v1/summary")
    def data():
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        principal = sites.authenticate(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if principal is None:
            return problem(401, "Unauthorized", "Send an operator key as 'Authorization: Bearer <key>'.",
                           headers={"WWW-Authenticate": 'Bearer realm="iop"'})
        if not principal.is_operator:
            return problem(403, "Forbidden", "The dashboard is for operator keys.")
        return jsonify(summary(sources, key.strip()))

    @app.get("/healthz")
    def healthz():
        return jsonify(status="alive", service="dashboard")

    @app.get("/readyz")
    def readyz():
        if not broker_answers(settings):
            return problem(503, "Service unavailable", "Not ready: broker not answering.")
        return jsonify(status="ready", service="dashboard")

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers["Cache-Control"] = response.headers.get("Cache-Control") or "no-store"
        return response

    install_http_metrics(app, "dashboard")
    return app
