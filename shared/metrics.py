"""Prometheus metrics of every process (prometheus_client), in Prometheus text format.

- APIs: ``GET /<service>/metrics`` answers the HTTP latency histogram of that service, by route
  template (never a concrete path: ids stay out of labels), method and status. Under gunicorn the
  worker processes share one registry through ``PROMETHEUS_MULTIPROC_DIR``, which the gunicorn
  settings in ``shared/observability_gunicorn.py`` prepare, so a scrape sees every worker.
- Workers: events published, consumed, retried, dead-lettered and skipped as duplicates, by event
  type; how late events are handled; the outbox backlog and the age of its oldest entry; the
  depth of the service's queue (consumer lag) and of its dead-letter queue; runs and durations of
  the timed sweeps. A worker serves them on its own port, ``IOP_WORKER_METRICS_BIND`` (host:port),
  at ``/metrics``: docker-compose gives each worker ``0.0.0.0:9100``, ``make run`` a free port on
  127.0.0.1 (the supervisor prints them).

Labels carry service names, route templates, statuses and event types: never ids or values.
"""
import os
import time
from datetime import datetime, timezone

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric

WORKER_METRICS_BIND = "IOP_WORKER_METRICS_BIND"
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

HTTP_LATENCY = Histogram(
    "iop_http_request_duration_seconds", "HTTP requests answered, by route template, method and status.",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("iop_events_published_total", "Events published and confirmed by the broker (right after their write, or by the outbox relay).",
                           ["service", "event_type"])
EVENTS_CONSUMED = Counter("iop_events_consumed_total", "Events handled and recorded in the inbox.",
                          ["service", "event_type"])
EVENTS_RETRIED = Counter("iop_events_retried_total", "Deliveries that failed and were requeued for another attempt.",
                         ["service", "event_type"])
EVENTS_DEAD_LETTERED = Counter("iop_events_dead_lettered_total", "Messages sent to the service's dead-letter queue.",
                               ["service", "event_type"])
EVENTS_DUPLICATES = Counter("iop_events_duplicates_skipped_total", "Deliveries skipped because the inbox had them.",
                            ["service", "event_type"])
EVENT_HANDLING_DELAY = Histogram(
    "iop_event_handling_delay_seconds", "From an event's occurred_at to its handling by this service.",
    ["service", "event_type"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600),
)
OUTBOX_BACKLOG = Gauge("iop_outbox_backlog_events", "Events written to the outbox and not yet published.", ["service"])
OUTBOX_OLDEST_AGE = Gauge("iop_outbox_oldest_event_age_seconds", "Age of the oldest unpublished outbox event (0: none).",
                          ["service"])
QUEUE_MESSAGES = Gauge("iop_queue_messages", "Messages waiting in a queue of the service: 'events' is the consumer's lag, "
                       "'dead-letter' what operators must look at.", ["service", "queue"])
SWEEP_RUNS = Counter("iop_sweep_runs_total", "Runs of the worker's timed tasks (relay, sweeps, purges).",
                     ["service", "sweep", "outcome"])
SWEEP_DURATION = Histogram("iop_sweep_duration_seconds", "Duration of the worker's timed tasks.", ["service", "sweep"],
                           buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60))


# -- HTTP -------------------------------------------------------------------------------------

class MetricsMiddleware:
    """Serves ``/metrics`` before Flask (no key, no audit record) and times every other request.

    The route template is left in the WSGI environ by the app's ``after_request`` hook
    (:func:`install_http_metrics`); a path no route matched is counted as ``unmatched``.
    """

    def __init__(self, app, service: str):
        self.app = app
        self.service = service

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/metrics" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = exposition(self.service)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body))),
                                      ("Cache-Control", "no-store")])
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        started = time.perf_counter()
        answered = {}

        def recording_start_response(status, headers, exc_info=None):
            answered["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        finally:
            method = environ.get("REQUEST_METHOD", "")
            HTTP_LATENCY.labels(self.service, method if method in _METHODS else "other",
                                environ.get("iop.route", "unmatched"), answered.get("status", "500"),
                                ).observe(time.perf_counter() - started)


def install_http_metrics(app, service: str) -> None:
    """``GET /metrics`` on the app and the latency histogram of every request it answers."""
    from flask import request

    @app.after_request
    def remember_route_template(response):
        request.environ["iop.route"] = request.url_rule.rule if request.url_rule is not None else "unmatched"
        return response

    app.wsgi_app = MetricsMiddleware(app.wsgi_app, service)


class _OneService:
    """The samples of one service only: in ``make run`` the four APIs share a process."""

    def __init__(self, source, service: str):
        self.source = source
        self.service = service

    def collect(self):
        for family in self.source.collect():
            kept = Metric(family.name, family.documentation, family.type, family.unit)
            kept.samples = [sample for sample in family.samples if sample.labels.get("service", self.service) == self.service]
            if kept.samples or not family.samples:
                yield kept


def exposition(service: str | None = None) -> bytes:
    """Prometheus text of this process (of every gunicorn worker in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        source = CollectorRegistry()
        multiprocess.MultiProcessCollector(source)
    else:
        source = REGISTRY
    if service is None:
        return generate_latest(source)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_OneService(source, service))
    return generate_latest(registry)


# -- events and the worker's loop ---------------------------------------------------------------

def event_published(service: str, event_type: str) -> None:
    EVENTS_PUBLISHED.labels(service, event_type).inc()


def event_consumed(service: str, event_type: str, occurred_at: datetime | None) -> None:
    EVENTS_CONSUMED.labels(service, event_type).inc()
    if occurred_at is not None:
        delay = (datetime.now(timezone.utc) - occurred_at).total_seconds()
        EVENT_HANDLING_DELAY.labels(service, event_type).observe(max(delay, 0.0))


def duplicate_skipped(service: str, event_type: str) -> None:
    EVENTS_DUPLICATES.labels(service, event_type).inc()


def delivery_retried(service: str, event_type: str) -> None:
    EVENTS_RETRIED.labels(service, event_type).inc()


def dead_lettered(service: str, event_type: str) -> None:
    EVENTS_DEAD_LETTERED.labels(service, event_type).inc()


def message_event_type(message) -> str:
    """The event type a delivery claims (the publisher sets it as a header); unknown for strangers."""
    return str((message.headers or {}).get("event_type") or "unknown")[:100]


def sweep_ran(service: str, sweep: str, seconds: float, succeeded: bool) -> None:
    SWEEP_RUNS.labels(service, sweep, "succeeded" if succeeded else "failed").inc()
    SWEEP_DURATION.labels(service, sweep).observe(seconds)


def outbox_health(service: str, backlog: int, oldest_age_seconds: float) -> None:
    OUTBOX_BACKLOG.labels(service).set(backlog)
    OUTBOX_OLDEST_AGE.labels(service).set(oldest_age_seconds)


def queue_depth(service: str, queue: str, messages: int) -> None:
    QUEUE_MESSAGES.labels(service, queue).set(messages)


def serve_worker_metrics(environ=None) -> str | None:
    """Start the worker's metrics server on ``IOP_WORKER_METRICS_BIND`` (host:port); None when unset."""
    from prometheus_client import start_http_server

    bind = (os.environ if environ is None else environ).get(WORKER_METRICS_BIND)
    if not bind:
        return None
    host, _, port = bind.rpartition(":")
    start_http_server(int(port), addr=host or "0.0.0.0")
    return f"http://{host or '0.0.0.0'}:{port}/metrics"
