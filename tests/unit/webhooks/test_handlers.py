"""The handler table: every event type of the contract, so the queue is bound to all of them, and
the envelope delivered is the producer's, with the contract's fields and only those."""
from datetime import date

from services.webhooks.handlers import HANDLERS
from services.webhooks.use_cases.deliveries import envelope_of
from services.webhooks.use_cases.endpoints import register_endpoint
from shared.cause import Cause
from shared.events import load_event, registered_event_types
from shared.events.intake import enrollment_admitted
from tests.unit.webhooks.conftest import SITE, endpoint_fields, request_cause

ADMISSION = {"enrollment_id": "enr-1", "patient_id": "pat-1", "program": "mh-adult", "start_date": date(2026, 11, 30),
             "planned_weeks": 8, "planned_end_date": date(2027, 1, 25)}


def admitted() -> dict:
    return Cause(SITE, "request-1", causation_id="cause-1").envelope(enrollment_admitted(**ADMISSION))


def test_every_event_type_of_the_contract_has_the_one_handler():
    assert set(HANDLERS) == registered_event_types()
    assert len(set(HANDLERS.values())) == 1


def test_the_envelope_delivered_is_the_producers_with_every_field_of_the_contract():
    envelope = admitted()
    delivered = envelope_of(load_event(envelope))
    assert {**delivered, "payload": None} == {**envelope, "payload": None}
    # Optional fields the producer left out are there, as null: one shape per event type.
    assert delivered["payload"] == {**envelope["payload"], "level_of_care": None, "group_id": None}


def test_a_field_outside_the_contract_is_not_delivered():
    envelope = admitted()
    envelope["payload"]["given_name"] = "Alex"
    envelope["extra"] = "x"
    delivered = envelope_of(load_event(envelope))
    assert "given_name" not in delivered["payload"] and "extra" not in delivered


def test_the_handler_records_the_deliveries_of_the_event(context, store, settings, transport):
    endpoint, _ = register_endpoint(store, request_cause(), settings, transport,
                                    endpoint_fields(event_types=["intake.enrollment.admitted"]))
    event = load_event(admitted())
    HANDLERS[event.event_type](event, context)
    HANDLERS[event.event_type](event, context)
    [delivery] = store.deliveries.find({})
    assert (delivery["endpoint_id"], delivery["event_id"]) == (endpoint["_id"], event.event_id)
