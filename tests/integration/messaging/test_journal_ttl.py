"""The journal is bounded by time through a RabbitMQ policy: applied to a journal declared without
a TTL, it needs no redeclaration, and the topology still redeclares cleanly under it."""
import json
import shutil
import subprocess
import time

import pytest
from kombu import Connection, Producer

from shared.messaging.topology import journal_policy
from system.services import topology
from tests.workers import drain_queue

pytestmark = pytest.mark.integration


def rabbitmqctl(*arguments):
    return subprocess.run(["rabbitmqctl", *arguments], capture_output=True, text=True, timeout=30)


@pytest.fixture
def journal_ttl_policy(rabbit_settings):
    if shutil.which("rabbitmqctl") is None or rabbitmqctl("list_policies").returncode != 0:
        pytest.skip("rabbitmqctl is not usable here")
    name, pattern, definition = journal_policy(rabbit_settings.broker_namespace, ttl_ms=500)
    applied = rabbitmqctl("set_policy", "--apply-to", "queues", name, pattern, json.dumps(definition))
    assert applied.returncode == 0, applied.stderr
    yield
    rabbitmqctl("clear_policy", name)


def test_a_journal_message_expires_under_the_policy_and_the_topology_still_redeclares(rabbit_settings,
                                                                                        journal_ttl_policy):
    the_topology = topology(rabbit_settings)
    with Connection(rabbit_settings.amqp_url) as connection:
        channel = connection.channel()
        the_topology.declare(channel)  # same arguments as before the policy: no PRECONDITION_FAILED
        Producer(channel).publish({"n": 1}, exchange=the_topology.events_exchange, routing_key="bench.probe",
                                  serializer="json")
    time.sleep(1.5)
    assert drain_queue(rabbit_settings, the_topology.journal_queue.name, timeout=0.5) == []
