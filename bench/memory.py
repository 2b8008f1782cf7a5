"""Benchmark: the resident memory of every process of the running system over a long steady load.

The whole system is started as processes (``make run``'s supervisor, embedded database stand-in,
RabbitMQ when ``IOP_AMQP_URL`` is set, else kombu's filesystem transport). For ``--minutes``, each
second ``--rate`` patients are registered, admitted and discharged as completed over HTTP (so every
worker handles the whole completion fan-out), and every ``--every`` seconds the resident set size
of each process (the supervisor, the stand-in, the gateway's gunicorn master and workers, each
service's worker) is read from /proc. Printed: each process's resident MB at the start of the load,
at the middle and at the end, its largest, and its growth over the second half of the run (a
process that grows without bound keeps growing there; one that has warmed up does not). Figures,
never assertions. All traffic on 127.0.0.1.

    .venv/bin/python -m bench.memory --minutes 10 --rate 2
"""
import argparse
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.site_size import resident_mb
from tests.system import System


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


def one_completion(system, tag: str, number: int) -> None:
    patient = system.post("/intake/v1/patients", {"mrn": f"M-{tag}-{number}", "given_name": "Memory",
                                                  "family_name": "Bench", "birth_date": "1990-01-01"})
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": "mh-adult",
                                                        "start_date": "2026-09-01"})
    system.post(f"/intake/v1/enrollments/{enrollment.json()['id']}/discharge",
                {"outcome": "completed", "discharge_date": "2026-10-26"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Resident memory of every process under a steady load")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=2, help="completions a second")
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    args = parser.parse_args(argv)
    samples: list[tuple[float, int, dict[str, float]]] = []
    tag = uuid.uuid4().hex[:6]
    sent = 0
    with tempfile.TemporaryDirectory() as folder:
        system = System(Path(folder) / "var").start()
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
                    pool.submit(one_completion, system, tag, sent)
                    sent += 1
                    time.sleep(max(0.0, started + sent / args.rate - time.monotonic()))
            time.sleep(10)  # the last fan-outs finish
            samples.append((time.monotonic() - started, sent, {name: resident_mb(pid) for pid, name in names.items()}))
        finally:
            system.stop()
    print_table(samples, args)
    return 0


def print_table(samples, args) -> None:
    first, middle, last = samples[0], samples[len(samples) // 2], samples[-1]
    print(f"\nresident MB of every process, {args.minutes:g} min at {args.rate:g} completions/s "
          f"({last[1]} completions); sampled every {args.every:g} s")
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
