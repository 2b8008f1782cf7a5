"""Benchmark: commands a second of the database stand-in as the system starts it, against its defaults.

Four settings (``shared.embedded.mongo.start_stand_in``): the stand-in's defaults (an asyncio
loop that hands each command to a thread pool: the baseline); a thread per connection that runs
each command itself (``--threaded``); that, with the catalogue lookups each command makes
remembered until the schema changes; and that, with projections made without a deep copy of the
document (what the system starts). For each setting a fresh stand-in is started with a site-sized
collection (``--documents``, each with a list of ten small entries, as a plan holds its tasks) and
the collections and indexes a service database has, then each operation the services make most is
called as fast as answers come for ``--seconds``, from 1 thread and from ``--clients`` threads (one
pymongo client, its pool shared as in a service): find_one by ``_id`` and site, the same with a
projection (as the relay reads an outbox), update_one by ``_id`` ($inc), and insert_one.
``--repeats`` runs per setting, in turn; medians printed. Figures, never assertions.

    .venv/bin/python -m bench.stand_in --seconds 5 --repeats 3
"""
import argparse
import itertools
import statistics
import tempfile
import time
from pathlib import Path

import pymongo

from bench.http_read import rate
from shared.embedded.mongo import start_stand_in
from tests.backends import free_port

SETTINGS = {  # column title: start_stand_in's keywords
    "defaults": {"threaded": False, "remember_schema_lookups": False, "project_without_copying": False},
    "threaded": {"threaded": True, "remember_schema_lookups": False, "project_without_copying": False},
    "+lookups": {"threaded": True, "remember_schema_lookups": True, "project_without_copying": False},
    "ours": {"threaded": True, "remember_schema_lookups": True, "project_without_copying": True},
}


def numbered(operation):
    """``bench.http_read.rate``'s ``make_call`` for an operation on numbered documents: each thread
    its own call, numbering from its own start so that threads touch different documents."""
    starts = itertools.count(0, 1_000_000)

    def make_call():
        numbers = itertools.count(next(starts))
        return lambda: operation(next(numbers))

    return make_call


def one_run(setting: dict, documents: int, clients: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_stand_in(Path(folder), port=port, **setting)
        client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}")
        try:
            db = client["bench"]
            for number in range(20):  # a service database's other collections, each with an index
                db[f"other_{number}"].create_index([("site_id", 1), ("at", 1)])
            patients = db["patients"]
            patients.create_index([("site_id", 1), ("family_name", 1)])
            entries = [{"kind": "follow-up", "due": f"2026-11-{day:02d}", "done": False} for day in range(1, 11)]
            patients.insert_many([{"_id": f"p{number}", "site_id": "mpls", "family_name": f"F{number}", "visits": 0,
                                   "entries": entries} for number in range(documents)])
            operations = {
                "find_one by _id and site": lambda n: patients.find_one({"_id": f"p{n % documents}", "site_id": "mpls"}),
                "the same, projected": lambda n: patients.find_one({"_id": f"p{n % documents}", "site_id": "mpls"},
                                                                   {"entries": 1}),
                "update_one by _id ($inc)": lambda n: patients.update_one({"_id": f"p{n % documents}"},
                                                                          {"$inc": {"visits": 1}}),
                "insert_one": lambda n: db["audit_log"].insert_one({"n": n, "site_id": "mpls", "at": time.time()}),
            }
            figures = {}
            for name, operation in operations.items():
                for threads in (1, clients):
                    per_second, _, failed = rate(numbered(operation), threads, seconds)
                    if failed:
                        print(f"  {name}, {threads} threads: {failed} calls failed (not counted)")
                    figures[f"{name}, {threads} thread{'s' if threads > 1 else ''}"] = per_second
            return figures
        finally:
            client.close()
            server.terminate()
            server.wait(timeout=15)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="the stand-in's commands a second, as started against its defaults")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    runs: dict[str, list[dict[str, float]]] = {title: [] for title in SETTINGS}
    for _ in range(args.repeats):
        for title, setting in SETTINGS.items():
            runs[title].append(one_run(setting, args.documents, args.clients, args.seconds))
    print(f"database stand-in, commands a second, {args.seconds:g} s each, median of {args.repeats} runs "
          f"({args.documents} documents in the collection); ratio: ours / defaults")
    print(f"  {'operation':<40}" + "".join(f" {title:>9}" for title in SETTINGS) + "  ratio")
    for figure in runs["defaults"][0]:
        medians = [statistics.median(run[figure] for run in runs[title]) for title in SETTINGS]
        print(f"  {figure:<40}" + "".join(f" {median:9.0f}" for median in medians) + f"  {medians[-1] / medians[0]:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
