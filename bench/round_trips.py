"""Benchmark: database round trips per event per service, along one completion's whole fan-out.

The embedded stand-in (nx-27017) runs on a free port in a temporary folder; every service is
bootstrapped in this process against it, each with its publish-after-commit path whose publisher
hands the event to this benchmark instead of a broker. A pymongo command listener counts every
command sent (a find, an insert, an update, a getMore: each one round trip) by the database it
went to, that is by service.

The journey: a patient is registered and admitted, given a medication list, then discharged as
completed (each an intake or medication use case, counted as its HTTP request's share). Every
event published is then delivered, in the order published, to each service whose handler table
names it, through that service's real :class:`~shared.messaging.consumer.EventConsumer` (its
inbox check, the handler, the inbox record, the publish after commit of what the handler wrote),
until nothing more is published. Nothing here is timed: the figures are counts, identical from
run to run; the baseline is the least a consumed event can cost (its inbox check and its inbox
record: 2; 1 for webhooks, which keeps no inbox check), printed beside each.

    .venv/bin/python -m bench.round_trips
"""
import argparse
import sys
import uuid
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path

from pymongo import monitoring

from bench.embedded import stand_in_settings
from services.intake.use_cases import enrollments, patients
from shared.cause import Cause
from shared.config import DEMO_SITES_FILE
from shared.messaging.connection import broker_connection
from shared.messaging.consumer import INBOX, EventConsumer
from shared.sites import load_sites
from system.services import SERVICES, bootstrap

SITE_ID = "mpls"
PROGRAM = "mh-adult"
INBOX_ONLY = 2  # the inbox check and the inbox record: what any consumed event costs at least


class CommandCounter(monitoring.CommandListener):
    """Counts each command by the label the benchmark is measuring and the database it went to."""

    def __init__(self):
        self.label = "setup"
        self.counts: Counter = Counter()
        self.kinds: Counter = Counter()
        self.deliveries: Counter = Counter()
        self.after_discharge: set | None = None  # the labels of events the discharge led to
        self.shown_service: str | None = None  # --show: each command of this service's labels, printed

    def started(self, event):
        if event.command_name in ("endSessions", "hello", "isMaster", "ping"):
            return
        self.counts[(self.label, event.database_name)] += 1
        if self.shown_service and self.label.startswith(f"{self.shown_service}:"):
            command = event.command
            print(f"  {self.label}: {event.command_name} {command.get(event.command_name)} "
                  f"{_brief(command.get('filter') or command.get('updates') or command.get('documents'))}")
        self.kinds[(self.label, event.command_name)] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def _brief(detail) -> str:
    text = str(detail)
    return text if len(text) < 160 else text[:157] + "..."


class CollectingPublisher:
    """Stands in for the broker: what is published is queued for delivery by the benchmark."""

    def __init__(self, published: deque):
        self.published = published

    def publish(self, event: dict) -> None:
        self.published.append(event)

    def heartbeat_check(self) -> None:
        pass

    def refresh_if_idle(self, seconds: float) -> None:
        pass

    def close(self) -> None:
        pass


class Delivered:
    """The part of a kombu message the consumer uses."""

    def __init__(self, event: dict):
        self.properties = {"message_id": event["event_id"]}
        self.headers = {}
        self.delivery_tag = 1
        self.acked = False

    def ack(self):
        self.acked = True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Database round trips per event per service, one completion")
    parser.add_argument("--completions", type=int, default=3,
                        help="completions run one after another; the last one's counts are printed (warm)")
    parser.add_argument("--show", metavar="SERVICE", help="print each command of this service (last completion)")
    args = parser.parse_args(argv)
    counter = CommandCounter()
    monitoring.register(counter)  # before any client is made: a listener applies to clients made after it
    with stand_in_settings() as (settings, _):
        bench = Journey(settings, counter)
        for run in range(args.completions):
            counter.shown_service = args.show if run == args.completions - 1 else None
            counter.counts.clear()
            counter.kinds.clear()
            counter.deliveries.clear()
            counter.after_discharge = None
            bench.run_once()
    print_counts(counter, settings, args)
    return 0


class Journey:
    def __init__(self, settings, counter: CommandCounter):
        self.counter = counter
        self.sites = load_sites(Path(DEMO_SITES_FILE))
        self.site = self.sites.get(SITE_ID)
        self.published: deque = deque()
        self.contexts = {}
        self.consumers = {}
        for name in SERVICES:
            context = bootstrap(name, settings=settings, sites=self.sites)
            context.publish_after_commit = True
            self.contexts[name] = context
            self._publish_to_bench(context)
            consumer = EventConsumer(broker_connection(settings), context.topology, name,
                                     {event_type: _bound(handler, context)
                                      for event_type, handler in context.handlers.items()},
                                     context.db[INBOX], publisher=None, check_inbox=context.check_inbox)
            self.consumers[name] = consumer

    def _publish_to_bench(self, context) -> None:
        context.store  # noqa: B018 (made now, with its publish-after-commit path)
        context.after_commit.make_publisher = lambda: CollectingPublisher(self.published)

    def run_once(self) -> None:
        cause = Cause(SITE_ID, str(uuid.uuid4()), None, "bench")
        intake = self.contexts["intake"].store
        today = self.site.today()
        self.counter.label = "intake: register patient"
        patient = patients.register(intake, cause, {"mrn": f"RT-{uuid.uuid4().hex[:8]}", "given_name": "Round",
                                                    "family_name": "Trip", "birth_date": date(1990, 1, 1)})
        self.counter.label = "intake: admit"
        enrollment = enrollments.admit(intake, cause, self.site, {"patient_id": patient["_id"], "program": PROGRAM,
                                                                  "start_date": today - timedelta(days=40)})
        self.deliver_all()
        self.counter.after_discharge = set()
        self.counter.label = "intake: discharge (completed)"
        enrollments.discharge(intake, cause, self.site, enrollment["_id"],
                              {"discharge_date": today - timedelta(days=1), "outcome": "completed"})
        self.deliver_all()

    def deliver_all(self) -> None:
        while self.published:
            event = self.published.popleft()
            for name, consumer in self.consumers.items():
                if event["event_type"] in consumer.handlers:
                    self.counter.label = f"{name}: {event['event_type']}"
                    self.counter.deliveries[self.counter.label] += 1
                    if self.counter.after_discharge is not None:
                        self.counter.after_discharge.add(self.counter.label)
                    message = Delivered(event)
                    consumer._handle(event, message)
                    if not message.acked:
                        raise RuntimeError(f"{name} did not handle {event['event_type']}")
            self.counter.label = "between"


def _bound(handler, context):
    return lambda event: handler(event, context=context)


def print_counts(counter: CommandCounter, settings, args) -> None:
    databases = {settings.database_name(name): name for name in SERVICES}
    print(f"\nRound trips to the database per event per service (the last of {args.completions} completions; "
          f"least possible for a consumed event: {INBOX_ONLY}, its inbox check and record; 1 for webhooks, "
          "which keeps no inbox check)\n")
    print("| service: what it handled | events | round trips per event | commands (all events) |")
    print("|---|---|---|---|")
    total = fan_out = 0
    for label in dict.fromkeys(label for label, _ in counter.counts):
        if label in ("setup", "between"):
            continue
        count = sum(n for (other, database), n in counter.counts.items() if other == label)
        wrong_database = [databases.get(database, database) for (other, database) in counter.counts
                          if other == label and databases.get(database) != label.split(":")[0]]
        kinds = ", ".join(f"{kind} {n}" for (other, kind), n in sorted(counter.kinds.items()) if other == label)
        note = f" (also {', '.join(wrong_database)})" if wrong_database else ""
        events = counter.deliveries.get(label, 1)
        print(f"| {label}{note} | {events} | {count / events:g} | {kinds} |")
        total += count
        fan_out += count if label in counter.after_discharge else 0
    print(f"| **the completion's fan-out (every event the discharge led to)** | | | **{fan_out}** |")
    print(f"| **the whole journey** | | | **{total}** |")


if __name__ == "__main__":
    sys.exit(main())
