"""A delivery: one event of a site on its way to one endpoint, with every attempt logged.

A delivery is ``pending`` until an attempt is answered 2xx (``delivered``) or its retry schedule
is spent (``failed``); a failed one may be retried by hand, which starts a new schedule. Each
attempt is logged with when it was made, the status code (if any answer came), the latency and,
for a failure, what kind of failure it was. Redirects are not followed: a 3xx is a failure.

Sending is at-least-once: a worker claims a delivery for a lease before sending it, so competing
workers do not send it twice, but a worker that dies after sending and before logging leaves the
delivery to be sent again when the lease ends. The ``webhook-id`` (the delivery's id) stays the
same on every attempt, so receivers drop such duplicates.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.webhooks.domain import schedule
from shared.errors import StateMachine

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)
DELIVERY = StateMachine("Delivery", {FAILED: {PENDING}})

# Kinds of failed attempts, as logged.
HTTP_STATUS = "http_status"  # answered, but not with a 2xx
REDIRECT = "redirect"  # a 3xx: not followed
TIMEOUT = "timeout"
CONNECTION = "connection"  # refused, reset, TLS failure
UNRESOLVED = "unresolved"  # the host does not resolve
ADDRESS_REFUSED = "address_refused"  # the host resolves to an address webhooks may not reach
URL_REFUSED = "url_refused"  # the URL itself is no longer allowed (e.g. http after the setting was removed)
ENDPOINT_PAUSED = "endpoint_paused"  # ends the schedule at once
ERROR_KINDS = (HTTP_STATUS, REDIRECT, TIMEOUT, CONNECTION, UNRESOLVED, ADDRESS_REFUSED, URL_REFUSED, ENDPOINT_PAUSED)

# Longer than one sweep's sends can take; a delivery claimed by a worker that died is due again after it.
CLAIM_LEASE = timedelta(minutes=2)
# The attempt log keeps the latest ones (a schedule makes 8; manual retries add more).
MAX_LOGGED_ATTEMPTS = 50


@dataclass(frozen=True)
class Attempt:
    """What one attempt found: the status code of the answer (None when none came), how long it
    took, and the kind of failure (None for a 2xx)."""

    status_code: int | None
    latency_ms: int
    error: str | None = None

    @classmethod
    def answered(cls, status_code: int, latency_ms: int) -> "Attempt":
        if 200 <= status_code < 300:
            return cls(status_code, latency_ms)
        return cls(status_code, latency_ms, REDIRECT if 300 <= status_code < 400 else HTTP_STATUS)

    @property
    def succeeded(self) -> bool:
        return self.error is None


def new_delivery(delivery_id: str, endpoint: dict, envelope: dict, body: str, now: datetime) -> dict:
    """A delivery of ``envelope`` (sent as ``body``, the same bytes on every attempt), due now."""
    return {
        "_id": delivery_id,
        "endpoint_id": endpoint["_id"],
        "event_id": envelope["event_id"],
        "event_type": envelope["event_type"],
        "body": body,
        "status": PENDING,
        "attempts": [],
        "attempt_count": 0,
        "schedule_started_at": None,
        "schedule_attempts": 0,
        "next_attempt_at": now,
        "claimed_by": None,
        "created_at": now,
        "updated_at": now,
        "delivered_at": None,
        "failed_at": None,
    }


def claim(delivery: dict, token: str, now: datetime) -> tuple[dict, list] | None:
    """Take a due delivery for one sending, until the lease ends; None when it is not due (another
    worker has it, or it was sent meanwhile)."""
    if delivery["status"] != PENDING or delivery["next_attempt_at"] is None or delivery["next_attempt_at"] > now:
        return None
    return {"claimed_by": token, "next_attempt_at": now + CLAIM_LEASE}, []


def record_attempt(delivery: dict, attempt: Attempt, now: datetime) -> tuple[dict, list]:
    """Log the attempt and decide what follows: delivered, tried again later, or failed."""
    started = delivery["schedule_started_at"] or now
    made = delivery["schedule_attempts"] + 1
    logged = {"at": now, "status_code": attempt.status_code, "latency_ms": attempt.latency_ms, "error": attempt.error}
    changes = {
        "attempts": [*delivery["attempts"], logged][-MAX_LOGGED_ATTEMPTS:],
        "attempt_count": delivery["attempt_count"] + 1,
        "schedule_started_at": started,
        "schedule_attempts": made,
        "claimed_by": None,
        "updated_at": now,
    }
    if attempt.succeeded:
        return {**changes, "status": DELIVERED, "delivered_at": now, "next_attempt_at": None}, []
    retry_at = None if attempt.error == ENDPOINT_PAUSED else schedule.next_attempt_at(started, made, now)
    if retry_at is None:
        return {**changes, "status": FAILED, "failed_at": now, "next_attempt_at": None}, []
    return {**changes, "next_attempt_at": retry_at}, []


def retry(delivery: dict, now: datetime) -> tuple[dict, list]:
    """A failed delivery, due again now on a new schedule; its attempt log is kept."""
    DELIVERY.check(delivery["status"], PENDING)
    return {"status": PENDING, "next_attempt_at": now, "schedule_started_at": None, "schedule_attempts": 0,
            "failed_at": None, "claimed_by": None, "updated_at": now}, []
