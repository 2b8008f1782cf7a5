"""Event types: one payload schema per (event_type, event_version), and the one function that makes
an event of that type, defined next to its schema.

``enrollment_completed = EventType("intake.enrollment.completed", EnrollmentCompleted)`` registers
the schema; ``enrollment_completed(enrollment_id=..., ...)`` validates the payload (strict
production) and returns a :class:`DomainEvent`, which a domain function may return without knowing
ids, clocks or envelopes. The store stamps it with its cause when it writes the outbox.
"""
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, ValidationError

_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}
_BUILDERS: dict[tuple[str, int], "EventType"] = {}


class InvalidEvent(ValueError):
    """A producer tried to emit a payload that breaks its contract: a bug, never user input."""


@dataclass(frozen=True)
class DomainEvent:
    """An event a rule decided on: its type, version and JSON-ready payload, not yet enveloped."""

    event_type: str
    version: int
    payload: dict


class EventType:
    def __init__(self, event_type: str, schema: type[Schema], version: int = 1):
        key = (event_type, version)
        if key in _SCHEMAS:
            raise ValueError(f"{event_type} v{version} is registered twice")
        _SCHEMAS[key] = schema
        _BUILDERS[key] = self
        self.event_type, self.schema, self.version = event_type, schema, version
        # Each made once and reused: making a marshmallow schema copies every declared field, which
        # cost a worker more than the rest of its Python per event (py-spy under bench.completions).
        self.producer_schema = schema()
        self.consumer_schema = schema(unknown=EXCLUDE)  # a consumer ignores fields it does not know

    def __call__(self, **payload) -> DomainEvent:
        schema = self.producer_schema
        dumped = schema.dump(payload)
        try:
            schema.load(dumped)
        except ValidationError as exc:
            raise InvalidEvent(f"{self.event_type} v{self.version} payload: {exc.messages}") from exc
        missing = set(payload) - set(dumped)
        if missing:
            raise InvalidEvent(f"{self.event_type} v{self.version}: fields not in the contract: {sorted(missing)}")
        return DomainEvent(self.event_type, self.version, dumped)

    def __repr__(self) -> str:
        return f"EventType({self.event_type!r}, v{self.version})"


def builder_for(event_type: str, version: int = 1) -> EventType:
    """The builder of a registered type, for code that holds only its name (tests, replays)."""
    return _BUILDERS[(event_type, version)]


def is_registered(event_type: str, version: int = 1) -> bool:
    return (event_type, version) in _BUILDERS


def schema_for(event_type: str, version: int = 1) -> type[Schema] | None:
    return _SCHEMAS.get((event_type, version))


def registered_event_types() -> set[str]:
    return {event_type for event_type, _ in _SCHEMAS}


def registered_schemas() -> dict[tuple[str, int], type[Schema]]:
    return dict(_SCHEMAS)
