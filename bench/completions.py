"""Benchmark: completion fan-out at open-loop rates, with and without publishing after commit.

For each mode (``IOP_PUBLISH_AFTER_COMMIT=0``, the relay alone: the baseline; then ``=1``, the
default) the whole system is started as processes on RabbitMQ (``IOP_AMQP_URL``, default
amqp://guest:guest@127.0.0.1:5672//, own namespace) and the embedded database. Each run first
admits the patients it needs, then sends discharges (outcome completed) at a fixed rate whatever
the answers (open loop: each on its own thread, on schedule), for ``--seconds``; then waits up to
30 s for the fan-out. Measured from the moment each discharge is sent, read from the consumers'
own inbox records (``handled_at``):

- discharge: the HTTP answer;
- plan: aftercare handled ``intake.enrollment.completed`` (the plan exists);
- follow-up: aftercare handled ``scheduling.appointment.booked``;
- reconciliation: aftercare handled ``medication.reconciliation.completed``.

unanswered = discharges with no 200 within the client's 10 s (the system past its knee); lost =
completions sent that miss any of those after the wait (unanswered ones included, since a timed-out
discharge may or may not have been made); duplicated = (service, event type) pairs of one
completion handled under more than one event id. Each run first waits for what the one before it
left to drain. Each rate runs ``--repeats`` times; the
medians of the runs' figures are printed. Figures, never assertions. All traffic on 127.0.0.1.

    .venv/bin/python -m bench.completions --rates 5 10 --seconds 20 --repeats 3
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench.fan_out import percentile
from shared.database import service_database
from tests.system import System

STEPS = {"plan": "intake.enrollment.completed", "follow-up": "scheduling.appointment.booked",
         "reconciliation": "medication.reconciliation.completed"}
FIGURES = ("discharge", *STEPS)


def admit(system, number: int, tag: str) -> str:
    patient = system.post("/intake/v1/patients", {"mrn": f"B-{tag}-{number}", "given_name": "Bench",
                                                  "family_name": "Patient", "birth_date": "1990-01-01"})
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": "mh-adult",
                                                        "start_date": "2026-09-01"})
    return enrollment.json()["id"]


def instant(value) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def wait_for_quiet(system, settle_seconds: float = 3, timeout: float = 300) -> None:
    """Wait until the consumers have drained what an earlier run left (aftercare's inbox stops
    growing for ``settle_seconds``), so that a run past the knee does not slow the next one."""
    inbox = service_database(system.settings, "aftercare")["inbox"]
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        handled = inbox.estimated_document_count()
        if handled != last:
            last, since = handled, time.monotonic()
        elif time.monotonic() - since >= settle_seconds:
            return
        time.sleep(0.5)


def one_run(system, rate: float, seconds: float) -> dict:
    wait_for_quiet(system)
    count = int(rate * seconds)
    tag = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(8) as pool:
        enrollments = list(pool.map(lambda number: admit(system, number, tag), range(count)))
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    unanswered: list[str] = []  # past the client's 10 s timeout, or refused: the system is past its knee

    def discharge(enrollment_id: str) -> None:
        request_id = str(uuid.uuid4())
        sent[request_id] = time.time()
        try:
            answer = system.post(f"/intake/v1/enrollments/{enrollment_id}/discharge",
                                 {"outcome": "completed", "discharge_date": "2026-10-26"},
                                 headers={"X-Request-ID": request_id})
        except requests.RequestException:
            unanswered.append(request_id)
            return
        if answer.status_code == 200:
            answered[request_id] = (time.time() - sent[request_id]) * 1000
        else:
            unanswered.append(request_id)

    threads = []
    start = time.monotonic()
    for number, enrollment_id in enumerate(enrollments):
        time.sleep(max(0.0, start + number / rate - time.monotonic()))
        thread = threading.Thread(target=discharge, args=(enrollment_id,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    inbox = service_database(system.settings, "aftercare")["inbox"]
    deadline = time.monotonic() + 30
    while True:
        records = list(inbox.find({"correlation_id": {"$in": list(sent)}}))
        done = {record["correlation_id"] for record in records if record["event_type"] == STEPS["reconciliation"]}
        if len(done) >= len(sent) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    latencies = {figure: [] for figure in FIGURES}
    latencies["discharge"] = list(answered.values())
    first: dict[tuple[str, str], float] = {}
    ids: dict[tuple[str, str], set] = {}
    for service in ("aftercare", "scheduling", "medication"):
        for record in service_database(system.settings, service)["inbox"].find({"correlation_id": {"$in": list(sent)}}):
            key = (record["correlation_id"], f"{service}/{record['event_type']}")
            ids.setdefault(key, set()).add(record["_id"])
            if service == "aftercare":
                at = instant(record["handled_at"])
                first[(record["correlation_id"], record["event_type"])] = min(
                    at, first.get((record["correlation_id"], record["event_type"]), at))
    lost = 0
    for request_id, sent_at in sent.items():
        missing = False
        for figure, event_type in STEPS.items():
            if (request_id, event_type) in first:
                latencies[figure].append((first[(request_id, event_type)] - sent_at) * 1000)
            else:
                missing = True
        lost += missing
    duplicated = sum(len(event_ids) > 1 for event_ids in ids.values())
    return {"latencies": latencies, "lost": lost, "duplicated": duplicated, "sent": len(sent),
            "unanswered": len(unanswered)}


def summary(values: list[float]) -> dict:
    if not values:
        return {name: float("nan") for name in ("p50", "p95", "p99", "max")}
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "p99": percentile(values, 0.99),
            "max": max(values)}


def median_of_runs(runs: list[dict]) -> dict:
    table = {figure: {name: statistics.median(summary(run["latencies"][figure])[name] for run in runs)
                      for name in ("p50", "p95", "p99", "max")} for figure in FIGURES}
    return {"table": table, "lost": statistics.median(run["lost"] for run in runs),
            "duplicated": statistics.median(run["duplicated"] for run in runs), "sent": runs[0]["sent"],
            "unanswered": statistics.median(run["unanswered"] for run in runs)}


def run_mode(after_commit: bool, rates: list[float], seconds: float, repeats: int, amqp_url: str) -> dict:
    env = {"IOP_AMQP_URL": amqp_url, "IOP_BROKER_NAMESPACE": f"bench{uuid.uuid4().hex[:8]}",
           "IOP_PUBLISH_AFTER_COMMIT": "1" if after_commit else "0"}
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var", env=env).start()
        try:
            system.get("/intake/v1/patients")  # warm up
            results = {}
            for rate in rates:  # printed as each rate ends: a long run shows what it has so far
                results[rate] = median_of_runs([one_run(system, rate, seconds) for _ in range(repeats)])
                print_rate("publish after commit" if after_commit else "relay only (baseline)", rate, results[rate])
            return results
        finally:
            system.stop()


def print_results(results: dict, repeats: int, seconds: float) -> None:
    print(f"completion fan-out on RabbitMQ, open loop, {seconds:.0f} s per run, median of {repeats} runs "
          "(ms from discharge sent)")
    for mode, by_rate in results.items():
        for rate, result in by_rate.items():
            print_rate(mode, rate, result)


def print_rate(mode: str, rate: float, result: dict) -> None:
    print(f"  {mode:<28} {rate:>4g}/s  sent {result['sent']}  unanswered {result['unanswered']:g}  "
          f"lost {result['lost']:g}  duplicated {result['duplicated']:g}", flush=True)
    for figure, row in result["table"].items():
        print(f"      {figure:<15} p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  p99 {row['p99']:7.1f}  "
              f"max {row['max']:7.1f}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="completion fan-out at open-loop rates, before/after")
    parser.add_argument("--rates", type=float, nargs="+", default=[5, 10])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    amqp_url = os.environ.get("IOP_AMQP_URL") or "amqp://guest:guest@127.0.0.1:5672//"
    results = {}
    for label, after_commit in (("relay only (baseline)", False), ("publish after commit", True)):
        results[label] = run_mode(after_commit, args.rates, args.seconds, args.repeats, amqp_url)
    print_results(results, args.repeats, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
