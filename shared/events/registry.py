"""The registry of payload schemas, keyed by (event_type, event_version)."""
from marshmallow import Schema

_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}


def event_schema(event_type: str, version: int = 1):
    """Class decorator: register a payload schema for one event type and version."""

    def register(schema: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _SCHEMAS:
            raise ValueError(f"{event_type} v{version} is registered twice")
        _SCHEMAS[key] = schema
        return schema

    return register


def schema_for(event_type: str, version: int = 1) -> type[Schema] | None:
    return _SCHEMAS.get((event_type, version))


def registered_event_types() -> set[str]:
    return {event_type for event_type, _ in _SCHEMAS}
