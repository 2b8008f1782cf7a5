"""Benchmark: booking a follow-up behind a backlog of booked follow-ups, with and without the
site's record of its full stretch (``services/scheduling/domain/follow_up_book.py``).

Scheduling is bootstrapped in this process on a fresh embedded stand-in. For each backlog (every
slot of the next N business days taken, written directly), a completion's follow-up is booked
``--calls`` times, each booking then taken away so that the book stays the same:

- with the record: as the service books (the first booking records the stretch; the rest jump);
- without it (the baseline, in the same run): the record deleted before each booking (not timed),
  so that each search reads the whole backlog, as every booking did before the record.

Printed: the median ms of ``--repeats`` runs, each the median of ``--calls`` calls, and the
ratio; beside them, one indexed read of the book that finds nothing, the database's own cost at
that size. Figures, never assertions.

    .venv/bin/python -m bench.follow_up_backlog
"""
import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from bench.embedded import stand_in_settings
from services.scheduling.domain.appointments import follow_up_key
from services.scheduling.domain.follow_up import DEFAULT_DURATION, FOLLOW_UP
from services.scheduling.store import APPOINTMENTS, FOLLOW_UP_BOOKS, appointment_id
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from shared.cause import Cause
from shared.store import encode
from system.services import bootstrap

SITE_ID = "mpls"


class Backlog:
    def __init__(self, settings):
        self.context = bootstrap("scheduling", settings=settings)
        self.store, self.site = self.context.store, self.context.site(SITE_ID)
        self.filled_to = self.site.today()

    def fill_to(self, business_days: int) -> None:
        """Every slot from tomorrow to the ``business_days``-th business day is taken."""
        day, documents = self.filled_to, []
        target = self.site.calendar.add_business_days(self.site.today(), business_days)
        while day < target:
            day = self.site.calendar.add_business_days(day, 1)
            for hour in range(9, 17):
                starts_at = datetime.combine(day, clock_time(hour), tzinfo=self.site.zone).astimezone(UTC)
                key = str(uuid.uuid4())
                documents.append({**encode({"_id": key, "natural_key": key, "site_id": SITE_ID, "patient_id": key,
                                            "kind": FOLLOW_UP, "status": "booked", "late": False,
                                            "starts_at": starts_at, "ends_at": starts_at + DEFAULT_DURATION}),
                                  "version": 1, "outbox": {}, "outbox_pending": 0})
        if documents:
            self.store.db[APPOINTMENTS].insert_many(documents)
        self.filled_to = day

    def book_one(self) -> None:
        enrollment_id = str(uuid.uuid4())
        completion = {"enrollment_id": enrollment_id, "patient_id": str(uuid.uuid4()), "program": "mh-adult",
                      "start_date": self.site.today() - timedelta(days=40),
                      "discharge_date": self.site.today() - timedelta(days=1), "outcome": "completed"}
        book_follow_up(self.store, Cause(SITE_ID, str(uuid.uuid4()), str(uuid.uuid4()), "scheduling"), self.site,
                       completion)
        self.store.db[APPOINTMENTS].delete_one({"_id": appointment_id(SITE_ID, follow_up_key(enrollment_id))})

    def find_nothing(self) -> None:
        """The database's own part: one indexed read of the book that finds nothing (a year back)."""
        year_ago = datetime.now(UTC) - timedelta(days=365)
        self.store.appointments.find({"site_id": SITE_ID, "kind": FOLLOW_UP, "status": "booked",
                                      "starts_at": {"$gt": year_ago, "$lt": year_ago + timedelta(days=14)}},
                                     projection={"starts_at": 1})

    def forget_the_record(self) -> None:
        self.store.db[FOLLOW_UP_BOOKS].delete_many({})


def timed(call: Callable[[], None], before: Callable[[], None], calls: int) -> float:
    values = []
    for _ in range(calls):
        before()
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Booking a follow-up behind a backlog, with and without the record")
    parser.add_argument("--backlogs", type=int, nargs="+", default=[0, 20, 60, 120, 250],
                        help="business days of follow-up slots all taken")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    with stand_in_settings() as (settings, _):
        backlog = Backlog(settings)
        rows = []
        for days in sorted(args.backlogs):
            backlog.fill_to(days)
            backlog.book_one()  # warm-up, and the record's first writing
            with_record, without, empty_read = [], [], []
            for _ in range(args.repeats):
                with_record.append(timed(backlog.book_one, lambda: None, args.calls))
                without.append(timed(backlog.book_one, backlog.forget_the_record, args.calls))
                empty_read.append(timed(backlog.find_nothing, lambda: None, args.calls))
            rows.append((days, days * 8, statistics.median(without), statistics.median(with_record),
                         statistics.median(empty_read)))
    print(f"\nbooking a follow-up behind a backlog: median ms of {args.repeats} runs of {args.calls} bookings; "
          "the embedded stand-in")
    print("| business days full | booked follow-ups ahead | without the record (baseline) | with the record | ratio "
          "| one read that finds nothing |")
    print("|---|---|---|---|---|---|")
    for days, booked, without, with_record, empty_read in rows:
        print(f"| {days} | {booked:,} | {without:.2f} | {with_record:.2f} | {with_record / without:.2f} "
              f"| {empty_read:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
