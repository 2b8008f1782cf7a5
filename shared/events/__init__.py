"""Events are contracts (ARCHITECTURE.md §5): one envelope, one marshmallow schema per type and version.

Importing this package registers every payload schema, so producers and consumers share one registry.
"""
from shared.events import aftercare, intake, medication, scheduling  # noqa: F401  (registers schemas)
from shared.events.envelope import Event, InvalidEvent, UnknownEvent, load_event, new_event
from shared.events.registry import registered_event_types, schema_for

__all__ = [
    "Event",
    "InvalidEvent",
    "UnknownEvent",
    "load_event",
    "new_event",
    "registered_event_types",
    "schema_for",
]
