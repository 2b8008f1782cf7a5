"""Benchmark: how long the completion fan-out takes, and what the processes cost.

Starts the whole system as processes (embedded defaults, or IOP_MONGO_URL / IOP_AMQP_URL when
set), drives N patients through admission and completed discharge over HTTP on 127.0.0.1, and
prints: API latency per call, time from the discharge answer until the aftercare plan is
readable, and the resident memory of every process. Bounded: N completions (default 30), each
awaited at most 60 s.

    .venv/bin/python -m bench.fan_out --completions 30
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.workflow import await_plans
from tests.system import System, this_shells_settings


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(call):
    started = time.perf_counter()
    answer = call()
    return answer, (time.perf_counter() - started) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="completion fan-out benchmark")
    parser.add_argument("--completions", type=int, default=30)
    args = parser.parse_args(argv)
    latencies = {"register": [], "admit": [], "discharge": []}
    fan_out = []
    with tempfile.TemporaryDirectory() as folder:
        env = this_shells_settings()
        system = System(Path(folder) / "var", env=env).start()
        try:
            for number in range(args.completions):
                patient, ms = timed(lambda: system.post("/intake/v1/patients", {
                    "mrn": f"BENCH-{number}", "given_name": "Bench", "family_name": "Patient",
                    "birth_date": "1990-01-01"}))
                latencies["register"].append(ms)
                enrollment, ms = timed(lambda: system.post("/intake/v1/enrollments", {
                    "patient_id": patient.json()["id"], "program": "mh-adult", "start_date": "2026-09-01"}))
                latencies["admit"].append(ms)
                enrollment_id = enrollment.json()["id"]
                _, ms = timed(lambda: system.post(f"/intake/v1/enrollments/{enrollment_id}/discharge", {
                    "outcome": "completed", "discharge_date": "2026-10-26"}))
                latencies["discharge"].append(ms)
                started = time.perf_counter()
                await_plans(system, enrollment_id, timeout=60, interval=0.02)
                fan_out.append((time.perf_counter() - started) * 1000)
            # The supervisor and its direct children (gunicorn's own workers are not counted).
            memory = {pid: rss_mib(pid) for pid in [system.process.pid, *system.children()]}
        finally:
            system.stop()
    print(f"completions: {args.completions}  broker: {'RabbitMQ' if env.get('IOP_AMQP_URL') else 'embedded'}")
    for name, values in latencies.items():
        print(f"  {name:<10} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms   "
              f"max {max(values):7.1f} ms")
    print(f"  fan-out    p50 {statistics.median(fan_out):7.1f} ms   p95 {percentile(fan_out, 0.95):7.1f} ms   "
          f"max {max(fan_out):7.1f} ms   (discharge answered → plan readable)")
    print(f"  memory     {sum(memory.values()):.0f} MiB resident in {len(memory)} processes "
          f"(largest {max(memory.values()):.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
