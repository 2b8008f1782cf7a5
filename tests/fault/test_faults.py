"""Nothing accepted is lost: not by a broker restart, a killed worker, a duplicate or a poison message.

The system runs as processes on RabbitMQ; faults are injected from outside, as in production.
"""
import json
import os
import signal
import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer

from shared.messaging.topology import Topology
from tests.e2e.workflow import await_plans, complete, register_and_admit
from tests.fault.broker import restart_local_rabbitmq
from tests.system import System
from tests.workers import delete_topology, drain_queue, wait_until

pytestmark = pytest.mark.fault


@pytest.fixture(scope="module")
def system(tmp_path_factory, mongo_url, amqp_url):
    namespace = f"f{uuid.uuid4().hex[:12]}"
    system = System(tmp_path_factory.mktemp("fault") / "var",
                    env={"IOP_MONGO_URL": mongo_url, "IOP_AMQP_URL": amqp_url, "IOP_BROKER_NAMESPACE": namespace})
    system.namespace = namespace
    system.amqp_url = amqp_url
    system.start()
    yield system
    system.stop()
    from shared.config import load_settings
    delete_topology(load_settings({"IOP_AMQP_URL": amqp_url, "IOP_BROKER_NAMESPACE": namespace}))


def test_a_broker_restart_right_after_the_discharge_loses_nothing(system):
    if not system.amqp_url.startswith("amqp://guest:guest@127.0.0.1:5672"):
        pytest.skip("broker restart is injected on the local RabbitMQ only")
    enrollment = register_and_admit(system, "FAULT-1")
    complete(system, enrollment["id"])
    restart_local_rabbitmq()
    [plan] = await_plans(system, enrollment["id"], timeout=120)
    assert plan["enrollment_id"] == enrollment["id"]


def test_a_killed_consumer_does_not_lose_the_completion(system):
    os.kill(system.worker_pid("aftercare"), signal.SIGKILL)
    enrollment = register_and_admit(system, "FAULT-2")
    complete(system, enrollment["id"])
    # The supervisor starts the worker again; the event waited in its durable queue meanwhile.
    assert len(await_plans(system, enrollment["id"])) == 1


def test_a_killed_relay_publishes_the_event_when_it_comes_back(system):
    os.kill(system.worker_pid("intake"), signal.SIGKILL)
    enrollment = register_and_admit(system, "FAULT-3")
    complete(system, enrollment["id"])
    assert len(await_plans(system, enrollment["id"])) == 1


def test_a_redelivered_completion_makes_no_second_plan(system):
    enrollment = register_and_admit(system, "FAULT-4")
    complete(system, enrollment["id"])
    await_plans(system, enrollment["id"])
    journal = drain_queue(_settings(system), f"{system.namespace}.journal", timeout=2)
    [completion] = [json.loads(m.body) for m in journal if json.loads(m.body)["event_type"] == "intake.enrollment.completed"
                    and json.loads(m.body)["payload"]["enrollment_id"] == enrollment["id"]]
    _publish(system, completion["event_type"], json.dumps(completion).encode(), "application/json")
    _publish(system, completion["event_type"], json.dumps({**completion, "event_id": str(uuid.uuid4())}).encode(),
             "application/json")
    time.sleep(3)
    assert len(system.get("/aftercare/v1/plans", enrollment_id=enrollment["id"]).json()) == 1


def test_a_poison_message_is_dead_lettered_and_the_worker_goes_on(system):
    _publish(system, "intake.enrollment.completed", b"{not json", "application/json")
    letters = wait_until(lambda: drain_queue(_settings(system), f"{system.namespace}.aftercare.dead-letter", timeout=1),
                         timeout=30, message="poison message not dead-lettered")
    body = letters[0].body
    assert (body.decode() if isinstance(body, bytes) else body) == "{not json"
    enrollment = register_and_admit(system, "FAULT-5")
    complete(system, enrollment["id"])
    assert len(await_plans(system, enrollment["id"])) == 1


def _settings(system):
    from shared.config import load_settings

    return load_settings({"IOP_AMQP_URL": system.amqp_url, "IOP_BROKER_NAMESPACE": system.namespace})


def _publish(system, routing_key: str, body: bytes, content_type: str):
    exchange = Exchange(Topology(system.namespace).events_exchange.name, type="topic", durable=True)
    with Connection(system.amqp_url) as connection:
        Producer(connection.channel()).publish(body, exchange=exchange, routing_key=routing_key,
                                               content_type=content_type, content_encoding="utf-8",
                                               delivery_mode=2)
