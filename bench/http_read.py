"""Benchmark: one HTTP read, GET /intake/v1/patients/{id}, against what it is made of.

Three measurements of the same read, sequential over one keep-alive connection on 127.0.0.1,
``--requests`` each (after a warm-up), repeated ``--repeats`` times, medians printed:

- system: the intake API in the running system (embedded defaults), through its gateway;
- bare Flask: a Flask app answering a fixed document (bench.bare_app) under the same gunicorn
  settings (``-c python:shared.observability_gunicorn``, one worker);
- database only: the same database operations done directly with pymongo (the patient by id and
  site on the intake database; API keys are checked in memory).

Then the rate: ``--clients`` threads (8), each with its own keep-alive connection, call as fast as
answers come for ``--seconds`` (closed loop), against the system, the bare app, and the database
operations a read must make done directly by as many threads: the patient's find_one and the insert
of one audit record (the least a read whose record is durable before its answer can cost; the
system's audit trail commits the records of concurrent requests together, see
shared/audit_chain.py). Both APIs run ``--api-workers`` gunicorn workers (2: one per core) with the
same gunicorn settings (gthread, 8 threads).

    .venv/bin/python -m bench.http_read --requests 300 --repeats 3 --clients 8 --seconds 10
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench.fan_out import percentile
from shared.database import service_database
from tests.backends import free_port
from tests.conftest import CLINICIAN
from tests.system import System
from tests.workers import wait_until

ROOT = Path(__file__).resolve().parent.parent


def measure(call, count: int) -> list[float]:
    for _ in range(20):
        call()
    values = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return values


def rate(make_call, clients: int, seconds: float) -> tuple[float, list[float], int]:
    """Answered calls per second of ``clients`` threads calling in a closed loop for ``seconds``, their
    latencies, and the calls that failed (an error or a status other than 2xx: counted, not timed;
    ``make_call()`` gives each thread its own call: its own connection)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    calls = [make_call() for _ in range(clients)]
    for call in calls:
        call()  # warm: the connection is open before the clock starts
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                calls[index]()
            except Exception:
                failures[index] += 1
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [value for values in latencies for value in values]
    return len(every) / elapsed, every, sum(failures)


def rate_figures(runs: list[tuple[float, list[float], int]]) -> tuple[float, str]:
    per_second = statistics.median(run[0] for run in runs)
    p99 = statistics.median(percentile(run[1], 0.99) for run in runs)
    return per_second, f"{per_second:8.0f} req/s  p99 {p99:6.2f} ms  failed {sum(run[2] for run in runs)}"


def http_call(url: str, headers: dict | None = None):
    def make():
        session = requests.Session()
        return lambda: session.get(url, headers=headers, timeout=10).raise_for_status()
    return make


def figures(runs: list[list[float]]) -> str:
    p50 = statistics.median(statistics.median(run) for run in runs)
    p95 = statistics.median(percentile(run, 0.95) for run in runs)
    p99 = statistics.median(percentile(run, 0.99) for run in runs)
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f} ms"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="HTTP read against a bare app and the database alone")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--api-workers", type=int, default=2)
    args = parser.parse_args(argv)
    results = {}
    rates = {}
    with tempfile.TemporaryDirectory() as folder:
        # The per-key rate limit (6,000 a minute) is lifted: the benchmark measures what a read costs,
        # not the limit's refusals (a closed loop of 8 clients passes 6,000 in under 20 s).
        system = System(Path(folder) / "var", env={"IOP_API_WORKERS": str(args.api_workers),
                                                   "IOP_RATE_LIMIT_PER_KEY": "1000000/minute"}).start()
        try:
            patient_id = system.post("/intake/v1/patients", {"mrn": "B-READ", "given_name": "Bench",
                                                             "family_name": "Patient", "birth_date": "1990-01-01"}).json()["id"]
            session = requests.Session()
            url = f"{system.base_url}/intake/v1/patients/{patient_id}"
            results["system (gateway → intake API)"] = [
                measure(lambda: session.get(url, headers=CLINICIAN, timeout=10), args.requests)
                for _ in range(args.repeats)]
            db = service_database(system.settings, "intake")

            def database_only():  # keys are checked in memory (a digest from the sites file)
                db["patients"].find_one({"_id": patient_id, "site_id": "mpls"})

            results["database operations only"] = [measure(database_only, args.requests) for _ in range(args.repeats)]
            rates["system (gateway → intake API)"] = [
                rate(http_call(url, CLINICIAN), args.clients, args.seconds) for _ in range(args.repeats)]

            def read_and_record():
                db["patients"].find_one({"_id": patient_id, "site_id": "mpls"})
                db["bench_audit"].insert_one({"at": datetime.now(timezone.utc), "service": "intake", "phase": "outcome",
                                              "site_id": "mpls", "method": "GET", "path": url, "status": 200})

            rates["database: find_one + one audit insert"] = [
                rate(lambda: read_and_record, args.clients, args.seconds) for _ in range(args.repeats)]
        finally:
            system.stop()
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:shared.observability_gunicorn",
                             "--workers", str(args.api_workers), "--bind", f"127.0.0.1:{port}",
                             "bench.bare_app:create_app()"],
                            cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/intake/v1/patients/p-1"
        wait_until(lambda: _answers(url), timeout=30, message="bare app not up")
        session = requests.Session()
        results["bare Flask, same gunicorn settings"] = [
            measure(lambda: session.get(url, timeout=10), args.requests) for _ in range(args.repeats)]
        rates["bare Flask, same gunicorn settings"] = [
            rate(http_call(url), args.clients, args.seconds) for _ in range(args.repeats)]
    finally:
        bare.terminate()
        bare.wait(timeout=15)
    print(f"GET /intake/v1/patients/{{id}}: {args.requests} sequential requests, median of {args.repeats} runs")
    for name, runs in results.items():
        print(f"  {name:<36} {figures(runs)}")
    print(f"the same read by {args.clients} clients in a closed loop, {args.seconds:g} s, median of {args.repeats} runs")
    per_second = {}
    for name, runs in rates.items():
        per_second[name], shown = rate_figures(runs)
        print(f"  {name:<40} {shown}")
    ratio = per_second["system (gateway → intake API)"] / per_second["database: find_one + one audit insert"]
    print(f"  system / database operations: {ratio:.2f}x")
    return 0


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    sys.exit(main())
