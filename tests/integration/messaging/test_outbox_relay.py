"""The outbox relay: an event written with its state change reaches the broker, then leaves the outbox."""
import pytest

from shared.cause import Cause
from shared.events.intake import patient_registered
from system.services import bootstrap
from tests.workers import drain_queue, running_worker, wait_until

pytestmark = pytest.mark.integration


def test_an_outbox_entry_is_published_and_then_removed(rabbit_settings, sites):
    context = bootstrap("intake", settings=rabbit_settings, sites=sites)
    patients = context.store.patients
    patients.insert({"_id": "p-1", "site_id": "mpls"}, [patient_registered(patient_id="p-1")], Cause("mpls", "req-1"))
    [event_id] = patients.raw.find_one({"_id": "p-1"})["outbox"]
    with running_worker(context, {}):
        wait_until(lambda: patients.raw.find_one({"_id": "p-1"})["outbox_pending"] == 0, message="outbox not relayed")
    [message] = drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")
    assert message.payload["event_id"] == event_id
    assert patients.raw.find_one({"_id": "p-1"})["outbox"] == {}
