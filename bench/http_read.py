"""Benchmark: one HTTP read, GET /intake/v1/patients/{id}, against what it is made of.

Three measurements of the same read, sequential over one keep-alive connection on 127.0.0.1,
``--requests`` each (after a warm-up), repeated ``--repeats`` times, medians printed:

- system: the intake API in the running system (embedded defaults), through its gateway;
- bare Flask: a Flask app answering a fixed document (bench.bare_app) under the same gunicorn
  settings (``-c python:shared.observability_gunicorn``, one worker);
- database only: the same database operations done directly with pymongo (the patient by id and
  site on the intake database; API keys are checked in memory).

    .venv/bin/python -m bench.http_read --requests 300 --repeats 3
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def figures(runs: list[list[float]]) -> str:
    p50 = statistics.median(statistics.median(run) for run in runs)
    p95 = statistics.median(percentile(run, 0.95) for run in runs)
    p99 = statistics.median(percentile(run, 0.99) for run in runs)
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f} ms"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="HTTP read against a bare app and the database alone")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var").start()
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
        finally:
            system.stop()
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:shared.observability_gunicorn",
                             "--workers", "1", "--bind", f"127.0.0.1:{port}", "bench.bare_app:create_app()"],
                            cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/intake/v1/patients/p-1"
        wait_until(lambda: _answers(url), timeout=30, message="bare app not up")
        session = requests.Session()
        results["bare Flask, same gunicorn settings"] = [
            measure(lambda: session.get(url, timeout=10), args.requests) for _ in range(args.repeats)]
    finally:
        bare.terminate()
        bare.wait(timeout=15)
    print(f"GET /intake/v1/patients/{{id}}: {args.requests} sequential requests, median of {args.repeats} runs")
    for name, runs in results.items():
        print(f"  {name:<36} {figures(runs)}")
    return 0


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    sys.exit(main())
