"""Webhooks' use cases on an in-memory database: its bootstrap's context, a request's cause at the
demo site, a pinned clock, and a transport that resolves and answers as each test says."""
import time
import uuid
from datetime import datetime, timezone

import pytest

from services.webhooks.domain.deliveries import Attempt
from services.webhooks.use_cases.transport import DeliverySettings
from shared import clock
from shared.cause import Cause

SITE = "mpls"
OTHER_SITE = "stpaul"
CLINICIAN = "Minneapolis front-end"
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
PUBLIC_ADDRESS = "93.184.216.34"
URL = "https://receiver.example.org/iop/webhooks"


class FakeTransport:
    """Resolves every host to a public address unless told otherwise; answers each POST with the
    next scripted attempt (200 once the script is spent); keeps what was sent."""

    def __init__(self):
        self.addresses: dict[str, list[str]] = {}
        self.answers: list[Attempt] = []
        self.sent: list[dict] = []

    def resolve(self, host: str, port: int) -> list[str]:
        return self.addresses.get(host, [PUBLIC_ADDRESS])

    def timestamp(self) -> int:
        # The wall clock, as the real transport: the reference library checks it against its own.
        return int(time.time())

    def post(self, url: str, body: str, headers: dict, timeout_seconds: float) -> Attempt:
        self.sent.append({"url": url, "body": body, "headers": headers})
        return self.answers.pop(0) if self.answers else Attempt(200, 12)


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def transport(context):
    context.transport = FakeTransport()
    return context.transport


@pytest.fixture
def settings(context):
    return DeliverySettings(allow_private=False)


def request_cause(site_id: str = SITE) -> Cause:
    return Cause(site_id, correlation_id=str(uuid.uuid4()), actor=CLINICIAN)


def endpoint_fields(**changes) -> dict:
    return {"url": URL, "event_types": ["intake.enrollment.completed"], **changes}
