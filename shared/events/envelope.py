"""The envelope every event travels in (CONTRACT.md, Events), and how events are made and read.

Producers call :func:`new_event`, which validates the payload against its registered schema and
returns a JSON-ready dict for the outbox. Consumers call :func:`load_event`, which ignores fields
they do not know, so that producers can add fields without breaking them.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared.events.registry import schema_for


class InvalidEvent(ValueError):
    """A producer tried to emit a payload that breaks its contract: a bug, never user input."""


class UnknownEvent(ValueError):
    """A consumer received a type or version it has no schema for."""


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True, validate=validate.Length(min=1))
    event_type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$"))
    event_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    site_id = fields.String(required=True, validate=validate.Length(min=1))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1))
    causation_id = fields.String(load_default=None, allow_none=True)
    producer = fields.String(required=True)
    payload = fields.Dict(required=True)


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    event_version: int
    occurred_at: datetime
    site_id: str
    correlation_id: str
    causation_id: str | None
    producer: str
    payload: dict


def new_event(
    event_type: str,
    payload: dict,
    *,
    site_id: str,
    producer: str,
    correlation_id: str,
    causation_id: str | None = None,
    version: int = 1,
    occurred_at: datetime | None = None,
) -> dict:
    schema_class = schema_for(event_type, version)
    if schema_class is None:
        raise InvalidEvent(f"no schema registered for {event_type} v{version}")
    schema = schema_class()
    dumped = schema.dump(payload)
    try:
        schema.load(dumped)
    except ValidationError as exc:
        raise InvalidEvent(f"{event_type} v{version} payload: {exc.messages}") from exc
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "event_version": version,
        "occurred_at": (occurred_at or datetime.now(timezone.utc)).isoformat(),
        "site_id": site_id,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "producer": producer,
        "payload": dumped,
    }


def load_event(body: dict) -> Event:
    """Validate an envelope and its payload; raises ValidationError or UnknownEvent."""
    envelope = EnvelopeSchema().load(body)
    schema_class = schema_for(envelope["event_type"], envelope["event_version"])
    if schema_class is None:
        raise UnknownEvent(f"{envelope['event_type']} v{envelope['event_version']}")
    envelope["payload"] = schema_class(unknown=EXCLUDE).load(envelope["payload"])
    return Event(**envelope)
