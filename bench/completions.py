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

unanswered = discharges with no 200 within the client's 10 s (the system past its knee); late =
completions with any of those steps not done 30 s after the last discharge was sent; lost =
completions that miss any of them once the system is quiet again (unanswered ones included, since a
timed-out discharge may or may not have been made); duplicated = (service, event type) pairs of one
completion handled under more than one event id; drain = seconds from the last discharge sent to
the last step done. After its 30 s, a run waits for the system to be quiet (up to 300 s more,
``--quiet-timeout``): the percentiles and the drain count every step done by then; a run whose
system was still busy when that wait ended counts what is not done as still queued, not as lost. While a run sends and drains, every
second, the messages waiting in each service's queue and the documents with unpublished outbox
entries in each service's database are sampled; their maxima are printed. The CPU time each process used (the gateway's, each service's
workers', the database stand-in's, RabbitMQ's and the load generator's) from the first discharge
until the fan-out is quiet is printed per completion: on 2 cores, their sum bounds the rate the
system can sustain. Each run first waits for what the one before it left to drain.
Each rate runs ``--repeats`` times; the medians of the runs' figures are printed. Figures, never
assertions. All traffic on 127.0.0.1.

Modes (``--modes``): ``relay`` (publishing by the relay alone, the baseline of publish-after-commit),
``after-commit`` (the default system), ``two-workers`` (the default system with two worker
processes per service, ``IOP_WORKERS_PER_SERVICE=2``: competing consumers of each queue; its
baseline is ``after-commit``). ``--profile SECONDS`` samples every worker with py-spy for that long
during the last rate's first run and prints where each spends its time (own time of the hottest
functions, and the share spent waiting on the database or the broker). ``--days N`` spreads the
admission and discharge days over N days (by default all fall on the same two days: one day of the
reports then holds every completion of every run, and its documents grow with each).

    .venv/bin/python -m bench.completions --rates 5 10 --seconds 20 --repeats 3
    .venv/bin/python -m bench.completions --modes after-commit two-workers --rates 10 20 50 --profile 15
    .venv/bin/python -m bench.completions --modes after-commit --rates 5 10 20 50 --seconds 60 --days 60
"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import requests

from bench.fan_out import percentile
from shared.database import service_database
from shared.messaging.connection import broker_connection
from system.services import SERVICES, bootstrap, topology
from tests.system import System
from tests.workers import delete_topology

STEPS = {"plan": "intake.enrollment.completed", "follow-up": "scheduling.appointment.booked",
         "reconciliation": "medication.reconciliation.completed"}
FIGURES = ("discharge", *STEPS)
MODES = {"relay": {"IOP_PUBLISH_AFTER_COMMIT": "0"},
         "after-commit": {"IOP_PUBLISH_AFTER_COMMIT": "1"},
         "two-workers": {"IOP_PUBLISH_AFTER_COMMIT": "1", "IOP_WORKERS_PER_SERVICE": "2"}}


FIRST_START, FIRST_DISCHARGE = date(2026, 9, 1), date(2026, 10, 26)


def days_earlier(number: int, days: int) -> timedelta:
    """How much earlier than the first days completion ``number`` is admitted and discharged: one
    day more a completion, over ``days`` days (1: every completion on the same two days)."""
    return timedelta(days=number % days)


def admit(system, number: int, tag: str, days: int = 1) -> str:
    patient = system.post("/intake/v1/patients", {"mrn": f"B-{tag}-{number}", "given_name": "Bench",
                                                  "family_name": "Patient", "birth_date": "1990-01-01"})
    start_date = FIRST_START - days_earlier(number, days)
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": "mh-adult",
                                                        "start_date": start_date.isoformat()})
    if enrollment.status_code != 201:
        raise RuntimeError(f"admitting bench patient {number}: {enrollment.status_code} {enrollment.text[:300]}")
    return enrollment.json()["id"]


def instant(value) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


QUIET_TIMEOUT_SECONDS = 300


def wait_for_quiet(system, settle_seconds: float = 3, timeout: float = QUIET_TIMEOUT_SECONDS) -> bool:
    """Wait until the consumers have drained what an earlier run left (aftercare's inbox stops
    growing for ``settle_seconds``), so that a run past the knee does not slow the next one. False
    when it still grew after ``timeout`` seconds."""
    inbox = service_database(system.settings, "aftercare")["inbox"]
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        handled = inbox.estimated_document_count()
        if handled != last:
            last, since = handled, time.monotonic()
        elif time.monotonic() - since >= settle_seconds:
            return True
        time.sleep(0.5)
    return False


class Backlog(threading.Thread):
    """Samples, every second until stopped, each service's queue depth and outbox backlog; keeps maxima."""

    def __init__(self, system):
        super().__init__(daemon=True)
        self.settings = system.settings
        self.queues = {service: topology(self.settings).service_queue(service).name for service in SERVICES}
        self.outboxes = {service: [service_database(self.settings, service)[name] for name in
                                   bootstrap(service, settings=self.settings).store_class.OUTBOX_COLLECTIONS]
                         for service in SERVICES}
        self.most = collections.Counter()
        self.stopped = threading.Event()

    def run(self) -> None:
        with broker_connection(self.settings) as connection:
            channel = connection.channel()
            while not self.stopped.wait(1.0):
                for service, queue in self.queues.items():
                    try:
                        depth = channel.queue_declare(queue=queue, passive=True).message_count
                    except Exception:  # noqa: BLE001 (a queue not declared yet holds nothing)
                        channel = connection.channel()
                        depth = 0
                    self.most[f"queue {service}"] = max(self.most[f"queue {service}"], depth)
                for service, collections_ in self.outboxes.items():
                    # Found by the index, as the relay finds them: the stand-in's count_documents reads
                    # every document of the collection (178 ms at 5,000), which loaded it more than the
                    # system under test did.
                    waiting = sum(len(collection.find({"outbox_pending": {"$gte": 1}}, {"_id": 1}).to_list())
                                  for collection in collections_)
                    self.most[f"outbox {service}"] = max(self.most[f"outbox {service}"], waiting)

    def stop(self) -> dict:
        self.stopped.set()
        self.join(timeout=10)
        return dict(self.most)


def process_name(pid: int) -> str:
    """What a process of the system is, from its command line: ``worker aftercare``,
    ``database-stand-in``, ``gateway``..."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    if "mongo_server" in command:
        return "database-stand-in"
    if ".worker" in command:
        return "worker " + command.split("services.", 1)[1].split(".worker", 1)[0]
    if "gunicorn" in command:
        return "gateway"
    if "system.supervisor" in command:
        return "supervisor"
    if "beam.smp" in command:
        return "RabbitMQ (beam.smp)"
    return command[:40]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (``/proc/<pid>/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(system) -> collections.Counter:
    """CPU seconds used so far by each kind of the system's processes (the gateway's gunicorn
    processes together, a service's workers together), by RabbitMQ's runtime, and by this benchmark
    (the load generator)."""
    used = collections.Counter()
    for pid in [system.process.pid, *system.descendants(), *map(int, _pids_of("beam.smp"))]:
        used[process_name(pid)] += cpu_seconds(pid)
    times = os.times()
    used["benchmark (load generator)"] = times.user + times.system
    return used


def _pids_of(program: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", program], capture_output=True, text=True).stdout
    return found.split()


def profile_workers(system, seconds: float, folder: Path) -> dict[str, subprocess.Popen]:
    """Start py-spy on every worker process for ``seconds``: raw (collapsed) stacks per thread, idle
    ones included (a wait on a socket is what is being looked for), without pausing the worker."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    runs = {}
    for pid in system.children():
        name = process_name(pid)
        if not name.startswith(("database-stand-in", "worker ")):
            continue
        name = name.removeprefix("worker ") + f"-{pid}"
        runs[name] = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                                       "--rate", "50", "--format", "raw", "--idle", "--nonblocking", "--threads",
                                       "--output", str(folder / f"{name}.txt")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return runs


def print_profiles(folder: Path, top: int = 6) -> None:
    """Per worker, its main thread's samples: how many went to handling events (and of those, how
    many waited on the database or on the broker's confirms), to the relay, or to waiting for a
    message; then the functions with the most own time while handling."""
    for path in sorted(folder.glob("*.txt")):
        if path.stem.startswith("database"):
            print_stand_in_profile(path, top)
            continue
        shares = collections.Counter()
        own = collections.Counter()
        total = 0
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit() or "run_worker" not in stack:
                continue  # pymongo's and prometheus' background threads: asleep, not the worker's work
            count, frames = int(count), stack.split(";")
            total += count
            if any("_handle_event" in frame for frame in frames):
                own[frames[-1]] += count
                if any("pymongo/" in frame for frame in frames):
                    shares["handling: database"] += count
                elif any("amqp/" in frame or "kombu/" in frame for frame in frames):
                    shares["handling: broker"] += count
                else:
                    shares["handling: Python"] += count
            elif any("relay_pending" in frame for frame in frames):
                shares["relay"] += count
            elif any("Periodic" in frame for frame in frames):
                shares["sweeps and samplers"] += count
            else:
                shares["waiting for a message"] += count
        if not total:
            continue
        print(f"  profile {path.stem} (main thread, {total} samples): "
              + ", ".join(f"{what} {100 * n / total:.0f} %" for what, n in shares.most_common()))
        for frame, count in own.most_common(top):
            print(f"      {100 * count / total:5.1f} %  {frame}")


def print_stand_in_profile(path: Path, top: int) -> None:
    """The stand-in's busy samples (every thread): the share waiting for a database's lock (nx-27017
    serialises each logical database's commands), inside neosqlite/SQLite, and the hottest own time."""
    own = collections.Counter()
    in_sqlite = locked = total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        count, frames = int(count), stack.split(";")
        if any(idle in frames[-1] for idle in ("select (", "_run_once", "wait (", "accept (", "recv_into (",
                                                "_worker (concurrent/futures/thread.py")):
            continue  # a thread waiting for a request or for work, not serving one
        total += count
        own[frames[-1]] += count
        if "nx_27017/handler.py" in frames[-1] and "wrapper" in frames[-1]:
            locked += count
        elif any("neosqlite" in frame or "sqlite3" in frame for frame in frames):
            in_sqlite += count
    if total:
        print(f"  profile {path.stem} (busy samples of every thread: {total}): waiting for a database's lock "
              f"{100 * locked / total:.0f} %, in neosqlite/SQLite {100 * in_sqlite / total:.0f} %")
        for frame, count in own.most_common(top):
            print(f"      {100 * count / total:5.1f} %  {frame}")


def one_run(system, rate: float, seconds: float, profile: float = 0, profile_folder: Path | None = None,
            days: int = 1, quiet_timeout: float = QUIET_TIMEOUT_SECONDS) -> dict:
    wait_for_quiet(system, timeout=quiet_timeout)
    count = int(rate * seconds)
    tag = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(8) as pool:
        enrollments = list(pool.map(lambda number: admit(system, number, tag, days), range(count)))
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    unanswered: list[str] = []  # past the client's 10 s timeout, or refused: the system is past its knee

    def discharge(number: int, enrollment_id: str) -> None:
        request_id = str(uuid.uuid4())
        sent[request_id] = time.time()
        discharge_date = FIRST_DISCHARGE - days_earlier(number, days)
        try:
            answer = system.post(f"/intake/v1/enrollments/{enrollment_id}/discharge",
                                 {"outcome": "completed", "discharge_date": discharge_date.isoformat()},
                                 headers={"X-Request-ID": request_id})
        except requests.RequestException:
            unanswered.append(request_id)
            return
        if answer.status_code == 200:
            answered[request_id] = (time.time() - sent[request_id]) * 1000
        else:
            unanswered.append(request_id)

    backlog = Backlog(system)
    backlog.start()
    cpu_before = cpu_by_process(system)
    profiles = profile_workers(system, profile, profile_folder) if profile else {}
    threads = []
    start = time.monotonic()
    for number, enrollment_id in enumerate(enrollments):
        time.sleep(max(0.0, start + number / rate - time.monotonic()))
        thread = threading.Thread(target=discharge, args=(number, enrollment_id))
        thread.start()
        threads.append(thread)
    last_sent = max(sent.values()) if sent else time.time()
    for thread in threads:
        thread.join()
    inbox = service_database(system.settings, "aftercare")["inbox"]
    deadline = time.monotonic() + 30
    waiting_for = set(sent)  # asked about alone: a query of every completion each time loads the stand-in
    while waiting_for and time.monotonic() <= deadline:
        time.sleep(1.0)
        waiting_for -= {record["correlation_id"] for record in inbox.find(
            {"correlation_id": {"$in": list(waiting_for)}, "event_type": STEPS["reconciliation"]},
            {"correlation_id": 1})}
    most = backlog.stop()
    quiet = wait_for_quiet(system, timeout=quiet_timeout)  # what is still queued after the wait costs CPU too
    cpu = {name: (used - cpu_before[name]) * 1000 / max(1, len(sent))
           for name, used in cpu_by_process(system).items()}
    for run in profiles.values():
        run.wait(timeout=seconds + 60)
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
    lost = late = 0
    finished = max(first.values()) if first else float("nan")
    for request_id, sent_at in sent.items():
        done = [first.get((request_id, event_type)) for event_type in STEPS.values()]
        for figure, done_at in zip(STEPS, done):
            if done_at is not None:
                latencies[figure].append((done_at - sent_at) * 1000)
        lost += None in done  # not done once quiet: lost; not done while still busy: still queued
        late += None in done or max(done) > last_sent + 30
    duplicated = sum(len(event_ids) > 1 for event_ids in ids.values())
    return {"latencies": latencies, "lost": lost if quiet else 0, "queued": 0 if quiet else lost, "late": late,
            "duplicated": duplicated, "sent": len(sent),
            "unanswered": len(unanswered), "drain": finished - last_sent, "backlog": most, "cpu": cpu}


def summary(values: list[float]) -> dict:
    if not values:
        return {name: float("nan") for name in ("p50", "p95", "p99", "max")}
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "p99": percentile(values, 0.99),
            "max": max(values)}


def median_of_runs(runs: list[dict]) -> dict:
    table = {figure: {name: statistics.median(summary(run["latencies"][figure])[name] for run in runs)
                      for name in ("p50", "p95", "p99", "max")} for figure in FIGURES}
    return {"table": table, "lost": statistics.median(run["lost"] for run in runs),
            "queued": statistics.median(run["queued"] for run in runs),
            "late": statistics.median(run["late"] for run in runs),
            "duplicated": statistics.median(run["duplicated"] for run in runs), "sent": runs[0]["sent"],
            "unanswered": statistics.median(run["unanswered"] for run in runs),
            "drain": statistics.median(run["drain"] for run in runs),
            "backlog": {key: statistics.median(run["backlog"].get(key, 0) for run in runs)
                        for key in sorted({key for run in runs for key in run["backlog"]})},
            "cpu": {name: statistics.median(run["cpu"].get(name, 0) for run in runs)
                    for name in {name for run in runs for name in run["cpu"]}}}


def run_mode(mode: str, rates: list[float], seconds: float, repeats: int, amqp_url: str, profile: float,
             days: int = 1, quiet_timeout: float = QUIET_TIMEOUT_SECONDS) -> dict:
    # The clinician key's limit (6,000 a minute) is for a site's clients; one load generator posting
    # 3,000 admissions and their patients before a 50/s run would meet it.
    env = {"IOP_AMQP_URL": amqp_url, "IOP_BROKER_NAMESPACE": f"bench{uuid.uuid4().hex[:8]}",
           "IOP_RATE_LIMIT_PER_KEY": "1000000/minute", **MODES[mode]}
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var", env=env).start()
        try:
            system.get("/intake/v1/patients")  # warm up
            results = {}
            for rate in rates:  # printed as each rate ends: a long run shows what it has so far
                profiled = profile if rate == rates[-1] else 0
                profiles = Path(folder) / f"profiles-{rate:g}"
                profiles.mkdir(exist_ok=True)  # a rate may be given twice
                runs = [one_run(system, rate, seconds, profiled if repeat == 0 else 0, profiles, days, quiet_timeout)
                        for repeat in range(repeats)]
                results[rate] = median_of_runs(runs)
                print_rate(mode, rate, results[rate])
                if profiled:
                    print_profiles(profiles)
            return results
        finally:
            system.stop()
            delete_topology(system.settings)  # its queues would keep their journal copies on the broker


def print_results(results: dict, repeats: int, seconds: float, days: int) -> None:
    print(f"completion fan-out on RabbitMQ, open loop, {seconds:.0f} s per run, median of {repeats} runs, admitted and "
          f"discharged over {days} day(s) (ms from discharge sent)")
    for mode, by_rate in results.items():
        for rate, result in by_rate.items():
            print_rate(mode, rate, result)


def print_rate(mode: str, rate: float, result: dict) -> None:
    print(f"  {mode:<28} {rate:>4g}/s  sent {result['sent']}  unanswered {result['unanswered']:g}  "
          f"not done 30 s after the last {result['late']:g}  lost {result['lost']:g}  "
          f"still queued when the wait for quiet ended {result['queued']:g}  duplicated {result['duplicated']:g}  "
          f"drain {result['drain']:.1f} s", flush=True)
    print("      most waiting: " + "  ".join(f"{key} {value:g}" for key, value in result["backlog"].items()), flush=True)
    cpu = sorted(result["cpu"].items(), key=lambda item: -item[1])
    print(f"      CPU ms per completion, {sum(ms for _, ms in cpu):.0f} in all: "
          + ", ".join(f"{name} {ms:.1f}" for name, ms in cpu if ms >= 0.05), flush=True)
    for figure, row in result["table"].items():
        print(f"      {figure:<15} p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  p99 {row['p99']:7.1f}  "
              f"max {row['max']:7.1f}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="completion fan-out at open-loop rates, against a baseline mode")
    parser.add_argument("--rates", type=float, nargs="+", default=[5, 10])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=["relay", "after-commit"])
    parser.add_argument("--profile", type=float, default=0, metavar="SECONDS",
                        help="sample every worker with py-spy for this long during the last rate's first run")
    parser.add_argument("--days", type=int, default=1,
                        help="admission and discharge days spread over this many days (1: every completion on the "
                             "same two days, so that one day of each report holds them all)")
    parser.add_argument("--quiet-timeout", type=float, default=QUIET_TIMEOUT_SECONDS, metavar="SECONDS",
                        help="how long a run waits for the fan-out to be quiet before counting what is lost")
    args = parser.parse_args(argv)
    amqp_url = os.environ.get("IOP_AMQP_URL") or "amqp://guest:guest@127.0.0.1:5672//"
    results = {mode: run_mode(mode, args.rates, args.seconds, args.repeats, amqp_url, args.profile, args.days,
                               args.quiet_timeout)
               for mode in args.modes}
    print_results(results, args.repeats, args.seconds, args.days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
