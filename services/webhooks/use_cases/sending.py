"""The worker's sweep that sends due deliveries: signed, with a short timeout, a bounded batch at a time.

A sweep claims up to ``batch_size`` due deliveries, sends them in parallel (network only: a slow or
silent receiver costs at most one timeout, and only to webhooks), then logs each attempt and
schedules what follows. The endpoint's URL is checked again and its host resolved again before
each attempt, because an answer that was public at registration may not be now.
"""
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from services.webhooks.domain import deliveries as rules
from services.webhooks.domain import urls
from services.webhooks.domain.endpoints import signing_secrets
from services.webhooks.domain.signing import signed_headers
from services.webhooks.store import WebhooksStore
from services.webhooks.use_cases.transport import DeliverySettings, Transport
from shared import clock
from shared.errors import Invalid

log = logging.getLogger(__name__)

# Due deliveries are looked for every second: "immediately" means within about a second.
SEND_INTERVAL_SECONDS = 1.0


def send_due_deliveries(store: WebhooksStore, settings: DeliverySettings, transport: Transport) -> int:
    """Send one batch of due deliveries; returns how many attempts were made."""
    now = clock.now()
    token = str(uuid.uuid4())
    due = store.deliveries.find({"status": rules.PENDING, "next_attempt_at": {"$lte": now}},
                                sort=[("next_attempt_at", 1)], limit=settings.batch_size)
    claimed = [delivery for delivery in (_claim(store, delivery, token, now) for delivery in due) if delivery]
    jobs = []
    for delivery in claimed:
        endpoint = store.endpoints.find_one({"_id": delivery["endpoint_id"], "site_id": delivery["site_id"]})
        if endpoint is None:  # deleted while the delivery was recorded: nothing to send it to
            store.deliveries.delete({"_id": delivery["_id"], "site_id": delivery["site_id"]})
        else:
            jobs.append((delivery, endpoint))
    if not jobs:
        return 0
    with ThreadPoolExecutor(max_workers=min(settings.parallel, len(jobs)), thread_name_prefix="webhook") as pool:
        attempts = list(pool.map(lambda job: attempt_delivery(*job, settings, transport, now), jobs))
    for (delivery, endpoint), attempt in zip(jobs, attempts):
        _record(store, delivery, attempt, now)
    return len(jobs)


def attempt_delivery(delivery: dict, endpoint: dict, settings: DeliverySettings, transport: Transport,
                     now: datetime) -> rules.Attempt:
    """One attempt, signed by every secret of the endpoint still valid at ``now``; never raises
    for what the network or the receiver does."""
    if not endpoint["active"]:
        return rules.Attempt(None, 0, rules.ENDPOINT_PAUSED)
    try:
        host, port = urls.endpoint_host(endpoint["url"], settings.allow_private)
    except Invalid:
        return rules.Attempt(None, 0, rules.URL_REFUSED)
    addresses = transport.resolve(host, port)
    if not addresses:
        return rules.Attempt(None, 0, rules.UNRESOLVED)
    if urls.address_problem(addresses, settings.allow_private) is not None:
        return rules.Attempt(None, 0, rules.ADDRESS_REFUSED)
    headers = signed_headers(signing_secrets(endpoint, now), delivery["_id"], transport.timestamp(), delivery["body"])
    return transport.post(endpoint["url"], delivery["body"], headers, settings.timeout_seconds)


def _claim(store: WebhooksStore, delivery: dict, token: str, now: datetime) -> dict | None:
    current = store.deliveries.modify({"_id": delivery["_id"], "site_id": delivery["site_id"]},
                                      lambda current: rules.claim(current, token, now))
    return current if current is not None and current["claimed_by"] == token else None


def _record(store: WebhooksStore, delivery: dict, attempt: rules.Attempt, now: datetime) -> None:
    recorded = store.deliveries.modify(
        {"_id": delivery["_id"], "site_id": delivery["site_id"], "status": rules.PENDING},
        lambda current: rules.record_attempt(current, attempt, now))
    if recorded is not None:
        log.info("webhook delivery %s (endpoint %s, %s): attempt %d %s, status %s, %d ms",
                 recorded["_id"], recorded["endpoint_id"], recorded["event_type"], recorded["attempt_count"],
                 attempt.error or "delivered", attempt.status_code, attempt.latency_ms)
