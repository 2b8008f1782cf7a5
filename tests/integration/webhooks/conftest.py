"""Fixtures of the webhooks integration tests: the API on the test database, and a real receiver on
127.0.0.1 that verifies every request with the Standard Webhooks reference library (standardwebhooks).

API tests resolve ``*.example.org`` to a public address (no test depends on the internet) and any
other host for real. Receiver tests run with the operator's setting ``IOP_WEBHOOKS_ALLOW_PRIVATE=1``
(the receiver is on loopback, over http) and the real transport (requests).
"""
import json
import threading
import time
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.webhooks.app import create_app
from services.webhooks.bootstrap import bootstrap
from services.webhooks.use_cases.sending import send_due_deliveries
from services.webhooks.use_cases.transport import ALLOW_PRIVATE_SETTING, DeliverySettings, HttpTransport
from shared.events import load_event
from tests.conftest import CLINICIAN, make_envelope

PUBLIC_ADDRESS = "93.184.216.34"
URL = "https://receiver.example.org/iop/webhooks"


class ExampleOrgResolvesPublic(HttpTransport):
    def resolve(self, host: str, port: int) -> list[str]:
        return [PUBLIC_ADDRESS] if host.endswith(".example.org") else super().resolve(host, port)


def webhooks_app(settings, sites, delivery: DeliverySettings, transport):
    context = bootstrap(settings=settings, sites=sites, delivery=delivery, transport=transport)
    return create_app(config={"TESTING": True}, context=context).test_client(), context


@pytest.fixture
def api(settings, sites):
    """The API with the production rule (https, public addresses only)."""
    return webhooks_app(settings, sites, DeliverySettings(), ExampleOrgResolvesPublic())


@pytest.fixture
def webhooks(api):
    return api[0]


@pytest.fixture
def local(settings, sites, monkeypatch):
    """The API and worker context with the operator's setting that allows a receiver on loopback."""
    monkeypatch.setenv(ALLOW_PRIVATE_SETTING, "1")
    delivery = DeliverySettings.from_environment()
    assert delivery.allow_private
    return webhooks_app(settings, sites, delivery, HttpTransport())


def register(client, url: str = URL, event_types=("intake.enrollment.completed",), headers=CLINICIAN, **fields) -> dict:
    answer = client.post("/v1/endpoints", json={"url": url, "event_types": list(event_types), **fields},
                         headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def completion(site_id: str = "mpls") -> dict:
    """intake.enrollment.completed as intake publishes it."""
    return make_envelope("intake.enrollment.completed", {
        "enrollment_id": str(uuid.uuid4()), "patient_id": "pat-1", "program": "mh-adult",
        "start_date": date(2026, 9, 1), "discharge_date": date(2026, 10, 26), "outcome": "completed",
        "step_down": {"level_of_care": "outpatient_therapy"}}, site_id=site_id)


def consume(context, envelope: dict) -> None:
    """What the webhooks worker's consumer does with one message."""
    event = load_event(envelope)
    context.handlers[event.event_type](event, context)


def sweep(context) -> int:
    """One run of the worker's sending sweep."""
    return send_due_deliveries(context.store, context.delivery, context.transport)


class Receiver:
    """An HTTP receiver on 127.0.0.1. Every request is verified with standardwebhooks against each
    secret in ``secrets``; it answers the next of ``statuses`` (then ``default_status``), after
    ``delay`` seconds."""

    def __init__(self):
        self.secrets: list[str] = []
        self.statuses: list[int] = []
        self.default_status = 204
        self.delay = 0.0
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                receiver.received.append(receiver.verified({name.lower(): value for name, value in self.headers.items()},
                                                           body))
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def verified(self, headers: dict, body: str) -> dict:
        verified_by = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified_by.append(secret)
            except WebhookVerificationError:
                pass
        return {"headers": headers, "body": json.loads(body), "verified_by": verified_by}

    def __enter__(self) -> "Receiver":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running
