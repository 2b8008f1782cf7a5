"""Nothing accepted is lost: not by a broker restart, a killed worker, a duplicate or a poison message.

The system runs as processes on RabbitMQ; faults are injected from outside, as in production.
"""
import json
import os
import signal
import uuid

import pytest
from kombu import Connection, Exchange, Producer

from shared.messaging.topology import Topology
from shared.observability import pending_outbox_events
from system.services import SERVICES, bootstrap
from tests.e2e.workflow import await_handled, await_plans, complete, register_and_admit
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


def test_a_redelivered_completion_changes_nothing_downstream(system):
    """The same event again (the inbox skips it) and a copy under a new event id (the handlers'
    natural keys absorb it): once aftercare has handled both, the plan, its tasks and the events
    it emitted are exactly those of the first delivery."""
    enrollment = register_and_admit(system, "FAULT-4")
    request_id = complete(system, enrollment["id"])
    # The plan, its tasks and its referral are separate documents: read them once aftercare is done.
    await_handled(system, request_id, "intake.enrollment.completed", ("scheduling", "medication", "aftercare"))
    [plan] = await_plans(system, enrollment["id"])
    journal = _settled_journal(system)
    [completion] = [event for event in journal if event["event_type"] == "intake.enrollment.completed"
                    and event["payload"]["enrollment_id"] == enrollment["id"]]
    emitted_before = _emitted_for(journal, request_id)
    _publish(system, completion["event_type"], json.dumps(completion).encode(), "application/json")
    _publish(system, completion["event_type"], json.dumps({**completion, "event_id": str(uuid.uuid4())}).encode(),
             "application/json")
    await_handled(system, request_id, "intake.enrollment.completed", ("scheduling", "medication", "aftercare"), count=2)
    [plan_after] = system.get("/aftercare/v1/plans", enrollment_id=enrollment["id"]).json()
    assert [task["id"] for task in plan_after["tasks"]] == [task["id"] for task in plan["tasks"]]
    assert len(system.get("/scheduling/v1/appointments", patient_id=plan["patient_id"], kind="aftercare_follow_up").json()) == 1
    assert len(system.get("/medication/v1/reconciliations", enrollment_id=enrollment["id"]).json()) == 1
    assert _emitted_for(_settled_journal(system), request_id) == {}, "the duplicates caused new events"
    assert sum(emitted_before.values()) > 0


def _settled_journal(system) -> list[dict]:
    """Every event journaled until the journal stays empty for a drain and no service holds an
    event in its outbox: the services' chain reactions (a booking tied to a task, a handoff closed)
    have all been published by then, including any a failed publish left to the relay (seconds)."""
    contexts = [bootstrap(service, settings=system.settings) for service in SERVICES]
    events = []
    while True:
        batch = drain_queue(_settings(system), f"{system.namespace}.journal", timeout=1.5)
        events += [json.loads(message.body) for message in batch]
        if not batch and not any(pending_outbox_events(context.db, context.store_class.OUTBOX_COLLECTIONS)
                                 for context in contexts):
            return events


def _emitted_for(journal: list[dict], correlation_id: str) -> dict:
    """How many events of each type the services emitted in this correlation (intake's own excluded)."""
    counts: dict = {}
    for event in journal:
        if event["correlation_id"] == correlation_id and event["producer"] != "intake":
            counts[event["event_type"]] = counts.get(event["event_type"], 0) + 1
    return counts


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
