"""Publishing right after the write: an event a use case writes is on the broker with no relay
running, and a broker that is down at write time leaves the entry in the outbox for the relay."""
import logging
import socket
from dataclasses import replace

import pytest

from services.intake.app import create_app
from system.services import bootstrap
from tests.conftest import CLINICIAN
from tests.workers import drain_queue, running_worker, wait_until

pytestmark = pytest.mark.integration

ALEX = {"mrn": "MRN-1", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}


def intake_publishing_after_commit(settings, sites):
    context = bootstrap("intake", settings=settings, sites=sites)
    context.publish_after_commit = True
    return context, create_app(config={"TESTING": True}, context=context).test_client()


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_event_written_by_a_use_case_is_on_the_broker_without_the_relay(rabbit_settings, sites):
    context, intake = intake_publishing_after_commit(rabbit_settings, sites)
    answer = intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    stored = context.db.patients.find_one({"_id": answer.json["id"]})
    # Confirmed and removed before the answer left, by the request's own process: no worker runs.
    assert (stored["outbox"], stored["outbox_pending"]) == ({}, 0)
    [message] = drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")
    assert message.payload["event_type"] == "intake.patient.registered"
    assert message.payload["payload"]["patient_id"] == answer.json["id"]
    assert context.db.published.find_one({"_id": message.payload["event_id"]}) is not None
    context.after_commit.close()


def test_a_broker_down_at_write_time_leaves_the_entry_to_the_relay(rabbit_settings, sites, caplog):
    down = replace(rabbit_settings, amqp_url=f"amqp://guest:guest@127.0.0.1:{a_closed_port()}//")
    context, intake = intake_publishing_after_commit(down, sites)
    with caplog.at_level(logging.WARNING, logger="shared.outbox"):
        answer = intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json  # the write committed: no error reaches the caller
    assert "left to the relay" in caplog.text
    patients = context.db.patients
    [event_id] = patients.find_one({"_id": answer.json["id"]})["outbox"]
    # The worker's relay, on the broker that answers, publishes what the first path left.
    worker_context = bootstrap("intake", settings=rabbit_settings, sites=sites)
    with running_worker(worker_context, {}):
        wait_until(lambda: patients.find_one({"_id": answer.json["id"]})["outbox_pending"] == 0,
                   message="outbox not relayed")
    [message] = drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")
    assert message.payload["event_id"] == event_id


def test_a_publisher_idle_past_the_heartbeat_reconnects_before_publishing(rabbit_settings, sites):
    context, intake = intake_publishing_after_commit(rabbit_settings, sites)
    assert intake.post("/v1/patients", json=ALEX, headers=CLINICIAN).status_code == 201
    publisher = context.after_commit._publisher
    first = publisher._connection
    publisher._last_used -= 3600  # as after an hour's quiet spell
    answer = intake.post("/v1/patients", json={**ALEX, "mrn": "MRN-2"}, headers=CLINICIAN)
    assert answer.status_code == 201
    assert publisher._connection is not first
    assert context.db.patients.find_one({"_id": answer.json["id"]})["outbox_pending"] == 0
    assert len(drain_queue(rabbit_settings, f"{rabbit_settings.broker_namespace}.medication.events")) == 2
    context.after_commit.close()
