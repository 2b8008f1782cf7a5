"""One journey through every service: each event of an enrollment or of a request, in order,
who produced it, who handled it, and what is still pending or dead-lettered (``iop journey``).

Read from what each service records about itself: the producer's ``published`` log and its
outbox (events written, not yet published), each consumer's ``inbox``, and each service's
dead-letter queue. An enrollment's journey follows its id in the events' payloads, then every
correlation those events belong to (the discharge request's fan-out, for instance).
It names ids, types, services and times: never payloads.
"""
from dataclasses import dataclass, field

from shared.database import service_database
from shared.messaging.consumer import INBOX
from shared.messaging.dead_letters import inspect_dead_letters
from shared.observability import PUBLISHED, pending_outbox_events
from system import services


@dataclass
class Step:
    event_id: str
    event_type: str
    producer: str
    occurred_at: str = ""
    site_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    published_at: str | None = None
    in_outbox: bool = False
    handled_by: dict[str, str] = field(default_factory=dict)
    dead_lettered: dict[str, str] = field(default_factory=dict)
    awaited_by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _matching(identifier: str, correlations: set[str]) -> dict:
    ors = [{"enrollment_id": identifier}, {"correlation_id": identifier}]
    ors += [{"correlation_id": correlation} for correlation in correlations]
    return {"$or": ors}


def _step(steps: dict[str, Step], record: dict, producer: str | None = None) -> Step:
    event_id = record.get("_id") or record.get("event_id")
    step = steps.get(event_id)
    if step is None:
        event_type = record.get("event_type", "?")
        step = steps[event_id] = Step(event_id, event_type, producer or record.get("producer") or event_type.split(".")[0])
    for name in ("site_id", "correlation_id", "causation_id"):
        if record.get(name) and not getattr(step, name):
            setattr(step, name, record[name])
    if record.get("occurred_at") and not step.occurred_at:
        step.occurred_at = str(record["occurred_at"])
    return step


def _read_databases(settings, identifier: str, correlations: set[str], steps: dict[str, Step]) -> None:
    query = _matching(identifier, correlations)
    for service in services.SERVICES:
        db = service_database(settings, service)
        for record in db[PUBLISHED].find(query):
            _step(steps, record, producer=service).published_at = str(record.get("published_at"))
        for record in db[INBOX].find(query):
            _step(steps, record).handled_by[service] = str(record.get("handled_at"))
        collections = list(services.bootstrap(service, settings=settings).store_class.OUTBOX_COLLECTIONS)
        for event in pending_outbox_events(db, collections):
            wanted = identifier in (event.get("correlation_id"), (event.get("payload") or {}).get("enrollment_id"))
            if wanted or event.get("correlation_id") in correlations:
                _step(steps, event, producer=service).in_outbox = True


def _read_dead_letters(settings, identifier: str, correlations: set[str], steps: dict[str, Step]) -> None:
    for service in services.SERVICES:
        for letter in inspect_dead_letters(settings, service):
            payload = letter.get("payload") or {}
            if identifier in (letter.get("correlation_id"), payload.get("enrollment_id")) or \
                    letter.get("correlation_id") in correlations:
                record = {**letter, **(letter.get("envelope") or {}), "_id": letter.get("event_id") or letter["id"]}
                _step(steps, record).dead_lettered[service] = f"{letter['id']}: {letter.get('reason')}"


def journey(settings, identifier: str, read_dead_letters: bool = True) -> list[Step]:
    """The journey of an enrollment id or a request (correlation) id, oldest event first."""
    steps: dict[str, Step] = {}
    _read_databases(settings, identifier, set(), steps)
    correlations = {step.correlation_id for step in steps.values() if step.correlation_id} - {identifier}
    if correlations:
        _read_databases(settings, identifier, correlations, steps)
    if read_dead_letters:
        _read_dead_letters(settings, identifier, correlations, steps)
    subscribers = services.subscriptions()
    for step in steps.values():
        step.awaited_by = [service for service, types in subscribers.items() if step.event_type in types
                           and service not in step.handled_by and service not in step.dead_lettered]
    return sorted(steps.values(), key=lambda step: (step.occurred_at, step.event_type))
