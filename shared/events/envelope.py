"""The envelope every event travels in (CONTRACT.md, Events), and how events are made and read.

Producers make events with the builder of each event type (``shared.events.<service>``) and the
store envelopes them with their :class:`shared.cause.Cause`. Consumers call :func:`load_event`,
which ignores fields they do not know, so that producers can add fields without breaking them.
"""
from dataclasses import dataclass
from datetime import datetime

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.events.registry import builder_for, is_registered


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


ENVELOPE_SCHEMA = EnvelopeSchema()  # made once: see EventType.producer_schema


def load_event(body: dict) -> Event:
    """Validate an envelope and its payload; raises ValidationError or UnknownEvent."""
    envelope = ENVELOPE_SCHEMA.load(body)
    key = (envelope["event_type"], envelope["event_version"])
    if not is_registered(*key):
        raise UnknownEvent(f"{envelope['event_type']} v{envelope['event_version']}")
    envelope["payload"] = builder_for(*key).consumer_schema.load(envelope["payload"])
    return Event(**envelope)
