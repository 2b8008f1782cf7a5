"""Operators see dead letters with their reason, and a replay delivers them again."""
import pytest

from shared.messaging.connection import broker_connection
from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from shared.messaging.publisher import EventPublisher
from system.services import bootstrap
from tests.conftest import make_envelope
from tests.workers import running_worker, wait_until

pytestmark = pytest.mark.integration


def test_a_dead_letter_is_listed_with_its_reason_and_handled_after_replay(rabbit_settings, sites):
    context = bootstrap("medication", settings=rabbit_settings, sites=sites)
    broken = {"on": True}
    handled = []

    def handle(event, context):
        if broken["on"]:
            raise RuntimeError("downstream outage")
        handled.append(event.event_id)

    event = make_envelope("intake.patient.registered", {"patient_id": "p-1"}, site_id="mpls",
                      correlation_id="req-1")
    publisher = EventPublisher(broker_connection(rabbit_settings), context.topology, confirm_timeout=3)
    try:
        with running_worker(context, {"intake.patient.registered": handle}):
            publisher.publish(event)
            [letter] = wait_until(lambda: list_dead_letters(rabbit_settings, "medication"), timeout=30,
                                  message="no dead letter")
            assert (letter["event_id"], letter["routing_key"]) == (event["event_id"], "intake.patient.registered")
            assert "downstream outage" in letter["reason"]
            broken["on"] = False
            assert replay_dead_letters(rabbit_settings, "medication") == 1
            wait_until(lambda: handled == [event["event_id"]], message="replayed event not handled")
        assert list_dead_letters(rabbit_settings, "medication") == []
    finally:
        publisher.close()
