"""Benchmark: commands a second of the database stand-in, threaded (ours) against its asyncio default.

The stand-in (nx-27017) serves either from an asyncio loop that hands each command to a thread
pool (its default: the baseline) or from a thread per connection that runs each command itself
(``--threaded``, what ``shared.embedded.mongo.start_stand_in`` starts). For each mode a fresh
stand-in is started with a site-sized collection (``--documents``) and the collections and indexes
a service database has, then each operation the services make most is called as fast as answers
come for ``--seconds``, from 1 thread and from ``--clients`` threads (one pymongo client, its
pool shared as in a service): find_one by ``_id`` and site, update_one by ``_id`` ($inc), and
insert_one. ``--repeats`` runs per mode, alternating; medians printed. Figures, never assertions.

    .venv/bin/python -m bench.stand_in --seconds 5 --repeats 3
"""
import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import pymongo

from shared.embedded.mongo import start_stand_in
from tests.backends import free_port

MODES = {"asyncio (the stand-in's default)": False, "threaded (ours)": True}


def calls_per_second(call, threads: int, seconds: float) -> float:
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        number = 0
        while time.perf_counter() < deadline:
            call(index * 1_000_000 + number)
            number += 1
        counts[index] = number

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def one_run(threaded: bool, documents: int, clients: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_stand_in(Path(folder), port=port, threaded=threaded)
        client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}")
        try:
            db = client["bench"]
            for number in range(20):  # a service database's other collections, each with an index
                db[f"other_{number}"].create_index([("site_id", 1), ("at", 1)])
            patients = db["patients"]
            patients.create_index([("site_id", 1), ("family_name", 1)])
            patients.insert_many([{"_id": f"p{number}", "site_id": "mpls", "family_name": f"F{number}", "visits": 0}
                                  for number in range(documents)])
            operations = {
                "find_one by _id and site": lambda n: patients.find_one({"_id": f"p{n % documents}", "site_id": "mpls"}),
                "update_one by _id ($inc)": lambda n: patients.update_one({"_id": f"p{n % documents}"},
                                                                          {"$inc": {"visits": 1}}),
                "insert_one": lambda n: db["audit_log"].insert_one({"n": n, "site_id": "mpls", "at": time.time()}),
            }
            figures = {}
            for name, operation in operations.items():
                for threads in (1, clients):
                    operation(0)  # warm: the pool's connection is open before the clock starts
                    figures[f"{name}, {threads} thread{'s' if threads > 1 else ''}"] = calls_per_second(
                        operation, threads, seconds)
            return figures
        finally:
            client.close()
            server.terminate()
            server.wait(timeout=15)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="the stand-in's commands a second, threaded against asyncio")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(args.repeats):
        for mode, threaded in MODES.items():
            runs[mode].append(one_run(threaded, args.documents, args.clients, args.seconds))
    baseline, ours = (runs[mode] for mode in MODES)
    print(f"database stand-in, commands a second, {args.seconds:g} s each, median of {args.repeats} runs "
          f"({args.documents} documents in the collection)")
    print(f"  {'operation':<40} {'asyncio':>9} {'threaded':>9}  ratio")
    for figure in baseline[0]:
        before = statistics.median(run[figure] for run in baseline)
        after = statistics.median(run[figure] for run in ours)
        print(f"  {figure:<40} {before:9.0f} {after:9.0f}  {after / before:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
