"""Metrics and log lines, as operators read them."""
import io
import json
import logging

from flask import Flask, g

from shared import metrics
from shared.logging_setup import event_context, line_formatter
from shared.worker import Periodic


def _lines(process_name: str, emit) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(line_formatter(process_name, json_lines=True))
    logger = logging.getLogger(f"test.{process_name}")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_names_service_role_site_request_and_correlation():
    [line] = _lines("scheduling-worker", lambda log: log.info("started"))
    assert {key: line[key] for key in ("service", "role", "site", "request_id", "correlation_id")} == {
        "service": "scheduling", "role": "worker", "site": None, "request_id": None, "correlation_id": None}


def test_a_line_logged_while_an_event_is_handled_names_its_site_and_correlation():
    def emit(log):
        with event_context("mpls", "req-7", event_id="e-1"):
            log.info("handled")

    [line] = _lines("aftercare-worker", emit)
    assert (line["site"], line["correlation_id"], line["event_id"]) == ("mpls", "req-7", "e-1")


def test_a_line_logged_in_a_request_names_the_apps_service_the_key_site_and_the_request_id():
    app = Flask("intake")

    def emit(log):
        with app.test_request_context("/v1/patients"):
            g.request_id = "req-9"
            g.principal = type("Principal", (), {"site_id": "stpaul"})()
            log.info("GET /v1/patients 200")

    [line] = _lines("api", emit)
    assert (line["service"], line["role"], line["site"], line["request_id"], line["correlation_id"]) == (
        "intake", "api", "stpaul", "req-9", "req-9")


def test_values_a_database_error_quotes_and_bearer_keys_never_reach_a_line():
    def emit(log):
        try:
            raise ValueError('E11000 duplicate key error dup key: { mrn: "MRN-123" }')
        except ValueError:
            log.exception("insert failed for Bearer demo-mpls-clinician")

    [line] = _lines("api", emit)
    assert "MRN-123" not in json.dumps(line) and "demo-mpls-clinician" not in json.dumps(line)
    assert "ValueError" in line["exception"]


def test_requests_are_timed_by_route_template_and_status_and_metrics_answer_per_service():
    app = Flask("intake")

    @app.get("/v1/patients/<patient_id>")
    def patient(patient_id):
        return {"id": patient_id}

    metrics.install_http_metrics(app, "test-intake")
    client = app.test_client()
    assert client.get("/v1/patients/p-1").status_code == 200
    assert client.get("/nowhere").status_code == 404
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="/v1/patients/<patient_id>",service="test-intake",status="200"' in text
    assert 'route="unmatched",service="test-intake",status="404"' in text
    assert "p-1" not in text
    assert 'service="test-other"' not in metrics.exposition("test-intake").decode()


def test_worker_loop_tasks_are_counted_and_timed():
    runs = Periodic("test sweep", 0, lambda: None, service="test-worker")
    runs()
    text = metrics.exposition("test-worker").decode()
    assert 'iop_sweep_runs_total{outcome="succeeded",service="test-worker",sweep="test sweep"} 1.0' in text
    assert 'iop_sweep_duration_seconds_count{service="test-worker",sweep="test sweep"} 1.0' in text
