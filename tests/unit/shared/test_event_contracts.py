"""Events carry ids and codes, never free text or direct identifiers (ARCHITECTURE.md §5, DOMAIN.md
Privacy): checked over every payload schema of every event type, so a new event cannot slip by."""
import pytest
from marshmallow import Schema, fields, validate

from shared.events import registry
from shared.events._fields import CODE_SHAPE

# Fields whose values people write: in an event they must be an enumerated code.
WRITTEN_BY_PEOPLE = {"reason", "note", "notes", "narrative", "comment", "description", "text", "summary"}
# Direct identifiers (names, contact details, birth dates, record numbers) never travel at all.
DIRECT_IDENTIFIERS = {"name", "given_name", "family_name", "birth_date", "mrn", "phone", "email", "address",
                      "signer"}

SCHEMAS = sorted(registry.registered_schemas().items())


def leaf_fields(schema: Schema, path: str = ""):
    for name, field in schema.fields.items():
        where = f"{path}{name}"
        while isinstance(field, fields.List):
            field = field.inner
        if isinstance(field, fields.Nested):
            yield from leaf_fields(field.schema, f"{where}.")
        else:
            yield where, name, field


def validators(field) -> list:
    return list(field.validators)


@pytest.mark.parametrize("key, schema", SCHEMAS, ids=[f"{t}.v{v}" for (t, v), _ in SCHEMAS])
def test_every_text_field_of_an_event_is_a_token_not_prose(key, schema):
    for where, name, field in leaf_fields(schema()):
        if isinstance(field, fields.String):
            assert CODE_SHAPE in validators(field), f"{where} of {key} may carry free text"


@pytest.mark.parametrize("key, schema", SCHEMAS, ids=[f"{t}.v{v}" for (t, v), _ in SCHEMAS])
def test_fields_people_write_travel_only_as_enumerated_codes(key, schema):
    for where, name, field in leaf_fields(schema()):
        if name in WRITTEN_BY_PEOPLE:
            assert any(isinstance(v, validate.OneOf) for v in validators(field)), f"{where} of {key} is not enumerated"


@pytest.mark.parametrize("key, schema", SCHEMAS, ids=[f"{t}.v{v}" for (t, v), _ in SCHEMAS])
def test_no_event_carries_a_direct_identifier(key, schema):
    assert not {name for _, name, _ in leaf_fields(schema())} & DIRECT_IDENTIFIERS


def test_a_payload_with_a_space_in_a_code_is_refused_at_production():
    from datetime import date

    from shared.events.intake import enrollment_admitted

    with pytest.raises(registry.InvalidEvent):
        enrollment_admitted(enrollment_id="e-1", patient_id="p-1", program="Jane Doe", start_date=date(2026, 1, 5),
                            planned_weeks=8, planned_end_date=date(2026, 3, 1))
