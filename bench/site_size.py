"""Benchmark: what the everyday operations cost at 1,000 and at 10,000 enrollments per site.

The embedded database stand-in (nx-27017) runs on a free port in a temporary folder; intake,
scheduling and aftercare are bootstrapped in this process against it, given their settings, so
nothing publishes after commit (only a relay would, and none runs: outboxes are left as written).

Seeding: one real document of each kind is made through the real use cases (a patient admitted and
discharged as completed, another admitted and still active; the completion's follow-up booked by
scheduling; the aftercare plan and its tasks made by aftercare's handler of
intake.enrollment.completed). Each is then cloned with new ids, natural keys, names and dates (every
date and instant shifted by the same number of days) and written with ``insert_many`` on the raw
collections, encoded as the store's codec writes them, outboxes already relayed, then settled into
the days of the census and of the follow-up and task reports as the workers' sweeps settle them (its
time is printed). Start dates spread over the year before today; 8 in 9 enrollments are completed
(40 days after their start), each completion with its follow-up (attended: every clone's falls
before today), its plan and the plan's tasks, those due more than 14 days ago completed; the others
are active. The first size is seeded, measured, then topped up to the next in the same database.

At each size, each operation is timed as the median of ``--calls`` calls after a warm-up, and
the median of ``--repeats`` such runs is printed next to the baseline measured in the same run: a
find_one by ``_id`` and a find_one by the ``(site_id, natural_key)`` index that finds nothing.
Probes time parts of the paged lists (the page alone; the count asked another way) to show which
part grows. The resident memory of the stand-in and of this process is printed at each size.
Figures are printed, never asserted.

    .venv/bin/python -m bench.site_size --sizes 1000 10000 --repeats 3
"""
import argparse
import math
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from flask_smorest.pagination import PaginationParameters

from bench.embedded import stand_in_settings
from services.aftercare.domain import tasks as task_rules
from services.aftercare.store import plan_id_for, plan_task_id
from services.aftercare.use_cases import reports
from services.aftercare.use_cases.plans import create_plan_on_discharge
from services.intake.domain.census import census_range
from services.intake.domain.patients import folded_name
from services.intake.store import active_slot, released_slot
from services.intake.use_cases import enrollments, patients
from services.intake.use_cases.census import census
from services.scheduling.domain.appointments import ATTENDED, attendance_recorded, follow_up_key
from services.scheduling.store import appointment_id
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from shared import clock, day_rollups
from shared.cause import Cause
from shared.config import DEMO_SITES_FILE
from shared.events import load_event
from shared.http.pagination import page_of
from shared.sites import load_sites
from shared.store import encode, query_of
from system.services import bootstrap

SITE_ID = "mpls"
PROGRAM = "mh-adult"
PROGRAM_DAYS = 40  # the completed template: admitted 40 days before today, discharged the day before today
SEED_DAYS = 365
TASKS_COMPLETED_AFTER_DAYS = 14
BATCH = 1000
# Family names are a 3-letter stem and a tail; the name search asks for one stem, which 1 in 100 patients have.
STEMS = [a + b + c for a in "BDKLMNRST" for b in "aeiou" for c in "lnrst"][:100]
TAILS = ["son", "berg", "ström", "ley", "ford", "ton", "man", "ez", "ski", "well", "er"]
SEARCHED_STEM = STEMS[7]
GOLDEN = (math.sqrt(5) - 1) / 2  # i * GOLDEN mod 1 spreads any prefix of the clones evenly over the year


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Operations' cost at two site sizes, against a baseline")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    with stand_in_settings() as (settings, stand_in_pid):
        bench = SiteBench(settings)
        results, memory = {}, {}
        for size in sizes:
            started = time.perf_counter()
            bench.seed_to(size)
            print(f"seeded {size} enrollments in {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            settled = bench.settle_day_rollups()  # what the workers' sweeps do within a minute
            print(f"settled {settled} enrollments, plans and tasks into the reports' days in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            results[size] = bench.measure(args.repeats, args.calls)
            memory[size] = (resident_mb(stand_in_pid), resident_mb(os.getpid()))
    print_table(sizes, results, memory, args)
    return 0


class SiteBench:
    """Three services' contexts on one database, the templates made through the use cases, and the clones."""

    def __init__(self, settings):
        self.sites = load_sites(Path(DEMO_SITES_FILE))
        self.site = self.sites.get(SITE_ID)
        contexts = {name: bootstrap(name, settings=settings, sites=self.sites)
                    for name in ("intake", "scheduling", "aftercare")}
        self.intake, self.scheduling, self.aftercare = (contexts[name].store
                                                        for name in ("intake", "scheduling", "aftercare"))
        self.today = self.site.today()
        self.seeded = 0
        self._booked: list[str] = []  # the appointments of the run under way, taken away after it
        self._make_templates()

    def _make_templates(self) -> None:
        cause = Cause(SITE_ID, str(uuid.uuid4()), None, "bench")
        completed, _ = self._admitted("T-COMPLETED", self.today - timedelta(days=PROGRAM_DAYS), cause)
        enrollments.discharge(self.intake, cause, self.site, completed["_id"],
                              {"discharge_date": self.today - timedelta(days=1), "outcome": "completed"})
        active, _ = self._admitted("T-ACTIVE", self.today, cause)
        discharged = self.intake.enrollments.find_one({"_id": completed["_id"]})
        envelope = next(entry for entry in discharged["outbox"].values()
                        if entry["event_type"] == "intake.enrollment.completed")
        event = load_event(envelope)
        self.completion = event.payload
        book_follow_up(self.scheduling, Cause.of_event(event, "scheduling"), self.site, event.payload)
        plan = create_plan_on_discharge(self.aftercare, Cause.of_event(event, "aftercare"), self.site, event)
        self.templates = {
            "patient": self.intake.patients.find_one({"_id": completed["patient_id"]}),
            "completed": discharged,
            "active": self.intake.enrollments.find_one({"_id": active["_id"]}),
            "appointment": self.scheduling.appointments.find_one({"enrollment_id": completed["_id"]}),
            "plan": self.aftercare.plans.find_one({"_id": plan["_id"]}),
            "tasks": self.aftercare.tasks.find({"plan_id": plan["_id"]}),
        }
        self.templates["completed_tasks"] = [task_rules.complete(task, clock.now(), "bench")[0]
                                             for task in self.templates["tasks"]]
        booked = self.templates["appointment"]
        self.templates["attended"] = {**booked, **attendance_recorded(
            booked, status=ATTENDED, now=booked["ends_at"], by="bench")[0]}
        self.template_start = {"completed": self.today - timedelta(days=PROGRAM_DAYS), "active": self.today}

    def _admitted(self, mrn: str, start: date, cause: Cause) -> tuple[dict, dict]:
        patient = patients.register(self.intake, cause, {"mrn": mrn, "given_name": "Template", "family_name": "Bench",
                                                         "birth_date": date(1990, 1, 1)})
        enrollment = enrollments.admit(self.intake, cause, self.site,
                                       {"patient_id": patient["_id"], "program": PROGRAM, "start_date": start})
        return enrollment, patient

    def settle_day_rollups(self) -> int:
        return day_rollups.sweep(self.intake) + day_rollups.sweep(self.aftercare)

    # -- seeding ----------------------------------------------------------------------------------
    def seed_to(self, size: int) -> None:
        """Clone enrollments (with their patients, follow-ups, plans and tasks) until ``size`` are seeded."""
        while self.seeded < size:
            batch = range(self.seeded, min(size, self.seeded + BATCH))
            documents = {"patients": [], "enrollments": [], "appointments": [], "plans": [], "tasks": []}
            for index in batch:
                for collection, made in self._clone(index).items():
                    documents[collection].extend(made)
            for collection in ("patients", "enrollments"):
                self.intake.db[collection].insert_many(documents[collection], ordered=False)
            self.scheduling.db["appointments"].insert_many(documents["appointments"], ordered=False)
            for collection in ("plans", "tasks"):
                self.aftercare.db[collection].insert_many(documents[collection], ordered=False)
            self.seeded = batch.stop

    def _clone(self, index: int) -> dict[str, list[dict]]:
        start = self.today - timedelta(days=1 + int((index * GOLDEN) % 1 * SEED_DAYS))
        kind = "completed" if start <= self.today - timedelta(days=PROGRAM_DAYS + 1) else "active"
        shift = start - self.template_start[kind]
        patient_id, enrollment_id = str(uuid.uuid4()), str(uuid.uuid4())
        family_name = STEMS[index % len(STEMS)] + TAILS[(index // len(STEMS)) % len(TAILS)]
        patient = {**shifted(self.templates["patient"], shift), "_id": patient_id, "mrn": f"S-{index:06d}",
                   "given_name": f"Given{index}", "family_name": family_name,
                   "family_name_folded": folded_name(family_name)}
        enrollment = {**shifted(self.templates[kind], shift), "_id": enrollment_id, "patient_id": patient_id,
                      "active_slot": active_slot(patient_id, PROGRAM) if kind == "active" else released_slot(
                          enrollment_id)}
        made = {"patients": [patient], "enrollments": [enrollment]}
        if kind == "completed":
            made.update(self._aftermath(patient_id, enrollment_id, shift))
        return {collection: [stored(document) for document in documents] for collection, documents in made.items()}

    def _aftermath(self, patient_id: str, enrollment_id: str, shift: timedelta) -> dict[str, list[dict]]:
        """The completion's follow-up appointment, plan and tasks."""
        ids = {"patient_id": patient_id, "enrollment_id": enrollment_id}
        natural_key = follow_up_key(enrollment_id)
        # The template is booked today or later, so every clone starts in the past: attended.
        appointment = {**shifted(self.templates["attended"], shift), **ids, "natural_key": natural_key,
                       "_id": appointment_id(SITE_ID, natural_key)}
        plan_id = plan_id_for(SITE_ID, enrollment_id)
        plan = {**shifted(self.templates["plan"], shift), **ids, "_id": plan_id}
        settled_before = self.today - timedelta(days=TASKS_COMPLETED_AFTER_DAYS)
        tasks = []
        for open_task, done_task in zip(self.templates["tasks"], self.templates["completed_tasks"], strict=True):
            due = open_task["due_date"] + shift
            task = shifted(done_task if due < settled_before else open_task, shift)
            tasks.append({**task, **ids, "plan_id": plan_id, "_id": plan_task_id(plan_id, task["kind"])})
        return {"appointments": [appointment], "plans": [plan], "tasks": tasks}

    # -- measuring --------------------------------------------------------------------------------
    def operations(self) -> dict[str, Callable[[], object]]:
        one_patient = self.intake.patients.find_one({"site_id": SITE_ID, "mrn": "S-000000"}, {"_id": 1})["_id"]
        month = (self.today - timedelta(days=60), self.today - timedelta(days=31))
        operations = {
            "baseline: find_one by _id": lambda: self.intake.patients.find_one({"_id": one_patient}),
            "baseline: find_one (site_id, natural_key), none": lambda: self.scheduling.appointments.find_one(
                {"site_id": SITE_ID, "natural_key": "aftercare_follow_up:none"}),
            "intake census (last 30 days)": lambda: census(self.intake, [self.site]),
            f"intake name search '{SEARCHED_STEM}' (page 1 of 10)": lambda: page_of(
                self.intake.patients, patients.matching(SITE_ID, name=SEARCHED_STEM),
                [("family_name_folded", 1), ("_id", 1)], PaginationParameters(1, 10)),
            "scheduling book_follow_up (new completion)": self._book_one,
            "aftercare follow-up report (a month)": lambda: reports.follow_up_report(
                self.aftercare, self.sites, [SITE_ID], *month),
            "aftercare open tasks (page 1 of 10)": lambda: page_of(
                self.aftercare.tasks, {"site_id": SITE_ID, "status": "open"}, [("due_date", 1), ("_id", 1)],
                PaginationParameters(1, 10)),
        }
        if hasattr(reports, "task_report"):  # added while this benchmark was written
            operations["aftercare task report (counts)"] = lambda: reports.task_report(
                self.aftercare, self.sites, [SITE_ID])
        return {**operations, **self.probes()}

    def probes(self) -> dict[str, Callable[[], object]]:
        """Parts of the operations asked another way, to tell which part grows: the paged lists' page
        alone and their count as a group on ``_id: null`` (pymongo's ``count_documents`` groups on
        ``_id: 1``); the name prefix as a range; the census and task counts as plain ``$group``s."""
        open_tasks = {"site_id": SITE_ID, "status": "open"}
        named = patients.matching(SITE_ID, name=SEARCHED_STEM)
        stem = folded_name(SEARCHED_STEM)
        prefix_range = {"site_id": SITE_ID,
                        "family_name_folded": {"$gte": stem, "$lt": stem[:-1] + chr(ord(stem[-1]) + 1)}}
        return {
            "probe: open tasks, page 1 without its count": lambda: self.aftercare.tasks.find(
                open_tasks, sort=[("due_date", 1), ("_id", 1)], limit=10),
            "probe: open tasks counted by a group on _id null": lambda: counted(self.aftercare.tasks, open_tasks),
            "probe: name search, page 1 without its count": lambda: self.intake.patients.find(
                named, sort=[("family_name_folded", 1), ("_id", 1)], limit=10),
            "probe: name matches counted by a group on _id null": lambda: counted(self.intake.patients, named),
            "probe: name matches as a prefix range, so counted": lambda: counted(self.intake.patients, prefix_range),
            "probe: census ranges counted by $group (the census before its days)": self._census_by_groups,
            "probe: task counts, a $group per status and overdue": self._task_counts_by_groups,
        }

    def _census_by_groups(self) -> tuple[dict, dict]:
        start, end = census_range(self.site.today(), None, None)
        in_range, at_site = {"$gte": start, "$lte": end}, {"site_id": SITE_ID}
        return (self.intake.enrollments.count_by({**at_site, "start_date": in_range}, "program"),
                self.intake.enrollments.count_by({**at_site, "discharge.date": in_range}, "outcome"))

    def _task_counts_by_groups(self) -> list[dict]:
        today = self.site.today()
        return [self.aftercare.tasks.count_by({"site_id": SITE_ID, "status": status, **due}, "kind")
                for status in sorted(task_rules.ACTIVE_STATUSES) for due in ({}, {"due_date": {"$lt": today}})]

    def _book_one(self) -> None:
        enrollment_id = str(uuid.uuid4())
        completion = {**self.completion, "enrollment_id": enrollment_id, "patient_id": str(uuid.uuid4()),
                      "discharge_date": self.today - timedelta(days=1)}
        book_follow_up(self.scheduling, Cause(SITE_ID, str(uuid.uuid4()), str(uuid.uuid4()), "scheduling"),
                       self.site, completion)
        self._booked.append(appointment_id(SITE_ID, follow_up_key(enrollment_id)))

    def measure(self, repeats: int, calls: int) -> dict[str, dict]:
        """Per operation: the median of ``repeats`` runs, each the median of ``calls`` calls after a warm-up;
        the runs of the operations are interleaved so that a busy moment of the machine spreads over them all."""
        operations = self.operations()
        runs: dict[str, list[float]] = {name: [] for name in operations}
        for _ in range(repeats):
            for name, call in operations.items():
                self._booked = []
                runs[name].append(timed(call, calls))
                # The run's bookings are taken away so that each run books into the same empty week.
                self.scheduling.db["appointments"].delete_many({"_id": {"$in": self._booked}})
        sizes = self._sizes()
        return {"ms": {name: statistics.median(values) for name, values in runs.items()}, "sizes": sizes}

    def _sizes(self) -> dict[str, int]:
        return {"patients": self.intake.db["patients"].estimated_document_count(),
                "enrollments": self.intake.db["enrollments"].estimated_document_count(),
                "active": self.intake.enrollments.count({"site_id": SITE_ID, "status": "active"}),
                "name matches": self.intake.patients.count(patients.matching(SITE_ID, name=SEARCHED_STEM)),
                "appointments": self.scheduling.db["appointments"].estimated_document_count(),
                "plans": self.aftercare.db["plans"].estimated_document_count(),
                "tasks": self.aftercare.db["tasks"].estimated_document_count(),
                "open tasks": self.aftercare.tasks.count({"site_id": SITE_ID, "status": "open"})}


def counted(documents, query: dict) -> int:
    groups = list(documents.raw.aggregate([{"$match": query_of(query)}, {"$group": {"_id": None, "n": {"$sum": 1}}}]))
    return groups[0]["n"] if groups else 0


def shifted(value, shift: timedelta):
    """A decoded document with every date and instant moved by ``shift`` (the outbox left out: relayed long ago)."""
    if isinstance(value, dict):
        return {key: shifted(item, shift) for key, item in value.items() if key not in ("outbox", "outbox_pending")}
    if isinstance(value, list):
        return [shifted(item, shift) for item in value]
    if isinstance(value, date):  # a datetime too
        return value + shift
    return value


def stored(document: dict) -> dict:
    """As ``Documents.insert`` stores it: encoded by the codec, its outbox relayed."""
    return {**encode(document), "version": document.get("version", 1), "outbox": {}, "outbox_pending": 0}


def timed(call: Callable[[], object], calls: int) -> float:
    for _ in range(3):
        call()
    values = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values)


def resident_mb(pid: int) -> float | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None  # the process has ended
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def print_table(sizes: list[int], results: dict, memory: dict, args) -> None:
    first, last = sizes[0], sizes[-1]
    print(f"\nms per call: median of {args.repeats} runs, each the median of {args.calls} calls after 3 warm-up calls")
    print(f"| operation | ms at {first:,} | ms at {last:,} | ratio |")
    print("|---|---|---|---|")
    for name, small in results[first]["ms"].items():
        large = results[last]["ms"][name]
        print(f"| {name} | {small:.2f} | {large:.2f} | {large / small:.2f} |")
    print("\n| size | " + " | ".join(results[first]["sizes"]) + " | stand-in RSS MB | bench process RSS MB |")
    print("|---|" + "---|" * (len(results[first]["sizes"]) + 2))
    for size in sizes:
        server_mb, own_mb = memory[size]
        counts = " | ".join(f"{count:,}" for count in results[size]["sizes"].values())
        print(f"| {size:,} | {counts} | {server_mb:.0f} | {own_mb:.0f} |")


if __name__ == "__main__":
    sys.exit(main())
