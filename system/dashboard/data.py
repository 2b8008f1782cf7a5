"""What the dashboard shows, composed at request time from the services' own APIs with the
operator's key (ARCHITECTURE §9: a read for people may compose other services' APIs; it never
reads their databases), plus the pipeline's health from the broker and the workers' metrics."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import requests

from shared.events.codes import OUTCOMES
from system import pipeline, services

WEEKS = 12
FOLLOW_UP_DAYS = 90
# Case-management task counts for operators: aftercare's operations endpoint, counted by its database.
TASKS_REPORT = "/aftercare/v1/reports/tasks"


@dataclass
class Sources:
    api_url: str  # the base URL that serves every API (make run: this very gateway)
    settings: object  # the broker the queue depths are read from
    worker_metrics: dict[str, str] = field(default_factory=dict)  # service -> metrics URL


class Unavailable(Exception):
    """A part the dashboard could not read; the rest is still shown."""


def _get(sources: Sources, key: str, path: str, **params) -> dict:
    try:
        answer = requests.get(sources.api_url + path, params=params, timeout=10,
                              headers={"Authorization": f"Bearer {key}", "X-Request-ID": "dashboard"})
    except requests.RequestException as error:
        raise Unavailable(f"{path}: no answer ({type(error).__name__})") from None
    if answer.status_code != 200:
        raise Unavailable(f"{path}: {answer.status_code} {answer.reason}")
    return answer.json()


def weeks_ending(today: date, count: int = WEEKS) -> list[tuple[date, date]]:
    """``count`` Monday-to-Sunday weeks, the last one holding ``today``."""
    monday = today - timedelta(days=today.weekday())
    return [(monday - timedelta(weeks=back), monday - timedelta(weeks=back) + timedelta(days=6))
            for back in range(count - 1, -1, -1)]


def census(sources, key) -> list[dict]:
    return [{"site_id": site["site_id"], "active": site["active"]["by_program"], "active_total": site["active"]["total"]}
            for site in _get(sources, key, "/intake/v1/census")["sites"]]


def discharges_over_time(sources, key, today: date) -> dict:
    """Discharges per week by outcome, every site together."""
    weeks = weeks_ending(today)
    with ThreadPoolExecutor(4) as pool:
        answers = [pool.submit(_get, sources, key, "/intake/v1/census", **{"from": start.isoformat(),
                                                                           "to": end.isoformat()})
                   for start, end in weeks]
    series = {outcome: [] for outcome in OUTCOMES}
    for answer in answers:
        totals = {outcome: 0 for outcome in OUTCOMES}
        for site in answer.result()["sites"]:
            for outcome, count in site["discharges"]["by_outcome"].items():
                totals[outcome] = totals.get(outcome, 0) + count
        for outcome in series:
            series[outcome].append(totals.get(outcome, 0))
    return {"weeks": [start.isoformat() for start, _ in weeks], "by_outcome": series}


def follow_up(sources, key, today: date) -> dict:
    first = today - timedelta(days=FOLLOW_UP_DAYS - 1)
    report = _get(sources, key, "/aftercare/v1/reports/follow-up", **{"from": first.isoformat(), "to": today.isoformat()})
    return {"from": first.isoformat(), "to": today.isoformat(), "sites": report["sites"]}


def tasks(sources, key) -> dict:
    """Open and overdue case-management tasks per site, and per kind over every site (the kinds with
    open tasks, most first), as aftercare's task report counts them."""
    sites = _get(sources, key, TASKS_REPORT)["sites"]
    kinds: dict[str, dict] = {}
    for site in sites:
        for row in site["by_kind"]:
            totals = kinds.setdefault(row["kind"], {"kind": row["kind"], "open": 0, "overdue": 0})
            totals["open"] += row["open"]
            totals["overdue"] += row["overdue"]
    return {"sites": [{"site_id": site["site_id"], "as_of": site["as_of"], "open": site["open"],
                       "overdue": site["overdue"]} for site in sites],
            "by_kind": sorted((row for row in kinds.values() if row["open"]),
                              key=lambda row: (-row["open"], -row["overdue"], row["kind"]))}


def pipeline_health(sources) -> list[dict]:
    ready = pipeline.readiness_of_every_service(sources.api_url)
    try:
        depths = pipeline.queue_depths(sources.settings)
    except Exception:
        depths = {}
    rows = []
    for service in services.SERVICES:
        outbox = None
        if service in sources.worker_metrics:
            try:
                outbox = pipeline.worker_outbox(sources.worker_metrics[service])
            except Exception:
                outbox = None
        found = depths.get(service, {})
        rows.append({"service": service, "ready": ready[service]["ready"], "detail": ready[service]["detail"],
                     "queue": found.get("queue"), "dead_letters": found.get("dead_letters"),
                     "outbox": None if outbox is None else outbox["events"],
                     "outbox_oldest_age_seconds": None if outbox is None else outbox["oldest_age_seconds"]})
    return rows


def summary(sources: Sources, key: str, today: date | None = None) -> dict:
    """Every panel of the dashboard; a panel that could not be read says why instead."""
    today = today or datetime.now(timezone.utc).date()
    result = {"generated_at": datetime.now(timezone.utc).isoformat(), "today": today.isoformat(), "errors": {}}
    with ThreadPoolExecutor(5) as pool:
        parts = {"census": pool.submit(census, sources, key),
                 "discharges": pool.submit(discharges_over_time, sources, key, today),
                 "follow_up": pool.submit(follow_up, sources, key, today),
                 "tasks": pool.submit(tasks, sources, key),
                 "pipeline": pool.submit(pipeline_health, sources)}
        for name, part in parts.items():
            try:
                result[name] = part.result()
            except Unavailable as error:
                result[name] = None
                result["errors"][name] = str(error)
    return result
