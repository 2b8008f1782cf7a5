"""Events are contracts (ARCHITECTURE.md §5): one envelope, one marshmallow schema per type and
version, and one builder per event type next to its schema (``shared.events.intake.enrollment_completed``).

Importing this package registers every payload schema, so producers and consumers share one registry.
"""
from shared.events import aftercare, intake, medication, scheduling, treatment, webhooks  # noqa: F401  (registers schemas)
from shared.events.envelope import Event, UnknownEvent, load_event
from shared.events.registry import DomainEvent, EventType, InvalidEvent, builder_for, registered_event_types, schema_for

__all__ = [
    "DomainEvent",
    "Event",
    "EventType",
    "InvalidEvent",
    "UnknownEvent",
    "builder_for",
    "load_event",
    "registered_event_types",
    "schema_for",
]
