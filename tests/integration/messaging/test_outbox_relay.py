"""The outbox relay: an event written with its state change reaches the broker, then leaves the outbox."""
import pytest

from shared.context import ServiceContext
from shared.outbox import insert_with_events
from tests.conftest import make_envelope
from tests.workers import drain_queue, running_worker, wait_until

pytestmark = pytest.mark.integration


def test_an_outbox_entry_is_published_and_then_removed(rabbit_settings, sites):
    context = ServiceContext("intake", settings=rabbit_settings, sites=sites)
    event = make_envelope("intake.patient.registered", {"patient_id": "p-1"}, site_id="mpls",
                      correlation_id="req-1")
    insert_with_events(context.db["patients"], {"_id": "p-1", "site_id": "mpls"}, [event])
    with running_worker(context, {}, outbox_collections=["patients"]):
        wait_until(lambda: context.db["patients"].find_one({"_id": "p-1"})["outbox_pending"] == 0,
                   message="outbox not relayed")
    [message] = drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")
    assert message.payload["event_id"] == event["event_id"]
    assert context.db["patients"].find_one({"_id": "p-1"})["outbox"] == {}
