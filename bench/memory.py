"""Benchmark: the resident memory of every process of the running system over a long steady load.

The whole system is started as processes (``make run``'s supervisor, embedded database stand-in,
RabbitMQ when ``IOP_AMQP_URL`` is set, else kombu's filesystem transport). For ``--minutes``, each
second ``--rate`` patients are registered, admitted and discharged as completed over HTTP (so every
worker handles the whole completion fan-out), and every ``--every`` seconds the resident set size
of each process (the supervisor, the stand-in, the gateway's gunicorn master and workers, each
service's worker) is read from /proc. Printed: each process's resident MB at the start of the load,
at the middle and at the end, its largest, and its growth over the second half of the run (a
process that grows without bound keeps growing there; one that has warmed up does not).

With ``--sizes``, each process's resident MB at each site size instead: the running system's
database is seeded to each size in turn the way ``bench.site_size`` seeds it (clones written
directly, outboxes already relayed), then every process is exercised at that size (``--completions``
completions over HTTP through the whole fan-out, and each of the site's lists and reports read
``--reads`` times) before its resident size is read. Figures, never assertions. All traffic on
127.0.0.1.

    .venv/bin/python -m bench.memory --minutes 10 --rate 2 --days 60
    .venv/bin/python -m bench.memory --sizes 1000 10000
"""
import argparse
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from bench.completions import FIRST_DISCHARGE, FIRST_START, days_earlier
from bench.site_size import SEARCHED_STEM, SiteBench, resident_mb
from tests.system import System, this_shells_settings
from tests.workers import delete_topology


def process_names(system) -> dict[int, str]:
    """Each process below the supervisor (and the supervisor) by a short name."""
    names = {system.process.pid: "supervisor"}
    for pid in system.descendants():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if ".worker" in command and "services." in command:
            names[pid] = command.split("services.", 1)[1].split(".worker", 1)[0] + f" worker ({pid})"
        elif "gunicorn" in command:
            names[pid] = f"gateway gunicorn ({pid})"
        elif "mongo" in command or "nx" in command:
            names[pid] = f"database stand-in ({pid})"
        else:
            names[pid] = f"{command[:40]} ({pid})"
    return names


def system_settings() -> dict[str, str]:
    """This shell's ``IOP_`` settings (RabbitMQ when ``IOP_AMQP_URL`` is set), with queues of their
    own on a shared broker."""
    settings = this_shells_settings()
    if settings.get("IOP_AMQP_URL"):
        settings.setdefault("IOP_BROKER_NAMESPACE", f"bench{uuid.uuid4().hex[:8]}")
    return settings


def stop(system) -> None:
    system.stop()
    if this_shells_settings().get("IOP_AMQP_URL"):
        delete_topology(system.settings)  # its queues would keep their journal copies on the broker


def broker_name() -> str:
    return "RabbitMQ" if this_shells_settings().get("IOP_AMQP_URL") else "the embedded broker (kombu's filesystem transport)"


def one_completion(system, tag: str, number: int, days: int = 1) -> None:
    """One patient registered, admitted and discharged as completed. The admission and discharge days
    move back one day a completion over ``days`` days (1: every completion on the same two days)."""
    earlier = days_earlier(number, days)
    patient = system.post("/intake/v1/patients", {"mrn": f"M-{tag}-{number}", "given_name": "Memory",
                                                  "family_name": "Bench", "birth_date": "1990-01-01"})
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": "mh-adult",
                                                        "start_date": (FIRST_START - earlier).isoformat()})
    system.post(f"/intake/v1/enrollments/{enrollment.json()['id']}/discharge",
                {"outcome": "completed", "discharge_date": (FIRST_DISCHARGE - earlier).isoformat()})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Resident memory of every process under a steady load")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=2, help="completions a second")
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    parser.add_argument("--days", type=int, default=1,
                        help="admission and discharge days spread over this many days (1: all on the same days, "
                             "so one day of each report holds every completion)")
    parser.add_argument("--sizes", type=int, nargs="+", help="site sizes (enrollments) to read every process at")
    parser.add_argument("--completions", type=int, default=100, help="completions at each size (with --sizes)")
    parser.add_argument("--reads", type=int, default=20, help="reads of each list and report at each size")
    args = parser.parse_args(argv)
    if args.sizes:
        return at_sizes(sorted(args.sizes), args)
    samples: list[tuple[float, int, dict[str, float]]] = []
    tag = uuid.uuid4().hex[:6]
    sent = 0
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var", env=system_settings()).start()
        try:
            names = process_names(system)
            started = time.monotonic()
            next_sample = started
            with ThreadPoolExecutor(8) as pool:
                while time.monotonic() - started < args.minutes * 60:
                    if time.monotonic() >= next_sample:
                        names.update({pid: name for pid, name in process_names(system).items() if pid not in names})
                        samples.append((time.monotonic() - started, sent,
                                        {name: resident_mb(pid) for pid, name in names.items()}))
                        print(f"{samples[-1][0]:6.0f} s  {sent} completions sent", flush=True)
                        next_sample += args.every
                    pool.submit(one_completion, system, tag, sent, args.days)
                    sent += 1
                    time.sleep(max(0.0, started + sent / args.rate - time.monotonic()))
            time.sleep(10)  # the last fan-outs finish
            samples.append((time.monotonic() - started, sent, {name: resident_mb(pid) for pid, name in names.items()}))
        finally:
            stop(system)
    print_table(samples, args)
    return 0


def at_sizes(sizes: list[int], args) -> int:
    tag = uuid.uuid4().hex[:6]
    resident: dict[int, dict[str, float | None]] = {}
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var", env=system_settings()).start()
        try:
            bench = SiteBench(system.settings)
            for size in sizes:
                started = time.perf_counter()
                bench.seed_to(size)
                print(f"seeded {size:,} enrollments in {time.perf_counter() - started:.1f} s", flush=True)
                exercise(system, f"{tag}-{size}", args.completions, args.reads, bench.today)
                resident[size] = {name: resident_mb(pid) for pid, name in process_names(system).items()}
        finally:
            stop(system)
    first, last = sizes[0], sizes[-1]
    print(f"\nresident MB of every process after {args.completions} completions and {args.reads} reads of each "
          f"list and report at each size; broker: {broker_name()}")
    print(f"| process | at {first:,} | at {last:,} | difference |")
    print("|---|---|---|---|")
    for name in sorted(resident[first]):
        small, large = resident[first][name], resident[last].get(name)
        difference = f"{large - small:+.1f}" if small is not None and large is not None else "-"
        print(f"| {name} | {_mb(small)} | {_mb(large)} | {difference} |")
    return 0


def exercise(system, tag: str, completions: int, reads: int, today) -> None:
    """Every process at work at this size: completions through the whole fan-out (each worker), then
    the site's lists and reports (the gateway), each read ``reads`` times."""
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda number: one_completion(system, tag, number), range(completions)))
    wait_for_plans(system, tag, completions)
    month = {"from": (today - timedelta(days=60)).isoformat(), "to": (today - timedelta(days=31)).isoformat()}
    reading = [("/intake/v1/census", {}), ("/intake/v1/patients", {"name": SEARCHED_STEM, "page_size": 10}),
               ("/aftercare/v1/reports/follow-up", month), ("/aftercare/v1/reports/tasks", {}),
               ("/aftercare/v1/tasks", {"status": "open", "page_size": 10}),
               ("/scheduling/v1/appointments", {"kind": "aftercare_follow_up", "page_size": 10})]
    for path, params in reading * reads:
        answer = system.get(path, **params)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:200]}")


def wait_for_plans(system, tag: str, completions: int, timeout: float = 300) -> None:
    """Until the last completion's aftercare plan exists: the fan-outs have run through every worker."""
    patients = system.get("/intake/v1/patients", mrn=f"M-{tag}-{completions - 1}").json()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        enrollments = system.get("/intake/v1/enrollments", patient_id=patients[0]["id"]).json() if patients else []
        if enrollments and system.get("/aftercare/v1/plans", enrollment_id=enrollments[0]["id"]).json():
            return
        time.sleep(1)
    raise RuntimeError(f"the last completion's plan did not appear within {timeout} s")


def print_table(samples, args) -> None:
    first, middle, last = samples[0], samples[len(samples) // 2], samples[-1]
    print(f"\nresident MB of every process, {args.minutes:g} min at {args.rate:g} completions/s "
          f"({last[1]} completions, admitted and discharged over {args.days} day(s)); sampled every {args.every:g} s; "
          f"broker: {broker_name()}")
    print(f"| process | start | middle ({middle[0]:.0f} s) | end ({last[0]:.0f} s) | largest | second half |")
    print("|---|---|---|---|---|---|")
    for name in sorted(first[2]):
        values = [sample[2].get(name) for sample in samples if sample[2].get(name) is not None]
        if not values:
            continue
        start, mid, end = first[2].get(name), middle[2].get(name), last[2].get(name)
        growth = f"{end - mid:+.1f}" if end is not None and mid is not None else "-"
        print(f"| {name} | {_mb(start)} | {_mb(mid)} | {_mb(end)} | {max(values):.1f} | {growth} |")


def _mb(value) -> str:
    return "-" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main())
