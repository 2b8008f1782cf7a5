"""The health of the event pipeline, read the way an operator reads it: each API's readiness,
each service's queue and dead-letter queue on the broker, each outbox's backlog (from the
service's database for ``iop status``, from the worker's metrics for the dashboard, which reads
no service's database)."""
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import requests
from prometheus_client.parser import text_string_to_metric_families

from shared.database import service_database
from shared.messaging.connection import broker_connection
from shared.messaging.topology import Topology
from shared.observability import oldest_age_seconds, pending_outbox_events, queue_depth
from system import services


def readiness(base_url: str, service: str, timeout: float = 3) -> dict:
    """``{"ready": bool, "detail": str}`` from ``GET /<service>/readyz``."""
    try:
        answer = requests.get(f"{base_url}/{service}/readyz", timeout=timeout)
    except requests.RequestException as error:
        return {"ready": False, "detail": f"no answer ({type(error).__name__})"}
    if answer.status_code == 200:
        return {"ready": True, "detail": "ready"}
    try:
        checks = answer.json().get("checks") or {}
    except ValueError:
        checks = {}
    failed = [name for name, state in checks.items() if state != "ok"]
    return {"ready": False, "detail": f"{answer.status_code}: " + (", ".join(failed) + " not answering" if failed else
                                                                  answer.reason)}


def readiness_of_every_service(base_url: str) -> dict[str, dict]:
    with ThreadPoolExecutor(len(services.SERVICES)) as pool:
        found = {service: pool.submit(readiness, base_url, service) for service in services.SERVICES}
    return {service: future.result() for service, future in found.items()}


def queue_depths(settings) -> dict[str, dict]:
    """Messages waiting in each service's queue (its consumer's lag) and dead-letter queue; None
    where the queue does not exist (yet). Raises when the broker does not answer."""
    topology = Topology(settings.broker_namespace, settings.delivery_limit)
    depths = {}
    with broker_connection(settings) as connection:
        connection.ensure_connection(max_retries=1, timeout=5)
        for service in services.SERVICES:
            depths[service] = {}
            for kind, queue in (("queue", topology.service_queue(service)),
                                ("dead_letters", topology.dead_letter_queue(service))):
                channel = connection.channel()  # a failed passive declare closes its channel
                depths[service][kind] = queue_depth(channel, queue.name)
                try:
                    channel.close()
                except Exception:
                    pass
    return depths


def outbox_backlog(settings, service: str) -> dict:
    """From the service's own database: events written and not yet published, and the oldest one's age."""
    context = services.bootstrap(service, settings=settings)
    pending = pending_outbox_events(service_database(settings, service), list(context.store_class.OUTBOX_COLLECTIONS))
    return {"events": len(pending), "oldest_age_seconds": oldest_age_seconds(pending)}


def scrape(url: str, timeout: float = 3) -> dict[str, list]:
    """A Prometheus text exposition, as ``{metric name: [(labels, value), ...]}``."""
    answer = requests.get(url, timeout=timeout)
    answer.raise_for_status()
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def worker_outbox(url: str) -> dict:
    """The outbox backlog a worker last sampled into its metrics."""
    samples = scrape(url)
    backlog = sum(value for _, value in samples.get("iop_outbox_backlog_events", []))
    oldest = max((value for _, value in samples.get("iop_outbox_oldest_event_age_seconds", [])), default=0.0)
    return {"events": int(backlog), "oldest_age_seconds": oldest}


def parse_metrics_urls(text: str | None) -> dict[str, str]:
    """``intake=http://...,scheduling=http://...`` (IOP_WORKER_METRICS_URLS) as a mapping."""
    pairs = [item.split("=", 1) for item in (text or "").split(",") if "=" in item]
    return {name.strip(): url.strip() for name, url in pairs}


def redacted(url: str | None) -> str | None:
    """A URL fit to print: the password masked."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
