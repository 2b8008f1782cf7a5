"""The consumer loop on a real RabbitMQ: ack after the write, duplicates absorbed, failures
retried then dead-lettered, undecodable messages dead-lettered, and the loop never dies."""
import pickle

import pytest
from kombu import Connection, Producer
from pymongo.errors import AutoReconnect, DuplicateKeyError, NotPrimaryError

from shared.messaging.connection import broker_connection
from shared.messaging.consumer import database_unavailable
from shared.messaging.publisher import EventPublisher
from system.services import bootstrap
from tests.conftest import make_envelope
from tests.workers import drain_queue, running_worker, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def context(rabbit_settings, sites):
    return bootstrap("medication", settings=rabbit_settings, sites=sites)


@pytest.fixture
def publisher(context):
    publisher = EventPublisher(broker_connection(context.settings), context.topology, confirm_timeout=3)
    yield publisher
    publisher.close()


def registered(patient_id):
    return make_envelope("intake.patient.registered", {"patient_id": patient_id}, site_id="mpls", correlation_id="req-1")


def recording_handler(calls, fail_times=0):
    def handle(event, context):
        calls.append(event.payload["patient_id"])
        if len(calls) <= fail_times:
            raise RuntimeError("database hiccup")
        context.db["seen"].insert_one({"_id": event.event_id})
    return handle


def dead_letters(context):
    return drain_queue(context.settings, f"{context.settings.broker_namespace}.medication.dead-letter", timeout=3)


def test_a_duplicate_delivery_is_handled_once(context, publisher):
    calls = []
    event = registered("p-1")
    with running_worker(context, {"intake.patient.registered": recording_handler(calls)}):
        publisher.publish(event)
        publisher.publish(event)
        publisher.publish(registered("p-2"))
        wait_until(lambda: "p-2" in calls, message="second event not handled")
    assert sorted(calls) == ["p-1", "p-2"]
    assert context.db["inbox"].count_documents({}) == 2


def test_without_the_inbox_check_a_duplicate_reruns_its_handler_and_is_recorded_once(context, publisher):
    context.check_inbox = False  # for services whose writes are keyed by the event (webhooks)
    calls = []

    def idempotent_handler(event, context):
        calls.append(event.payload["patient_id"])
        context.db["seen"].update_one({"_id": event.event_id}, {"$set": {"seen": True}}, upsert=True)

    event = registered("p-1")
    with running_worker(context, {"intake.patient.registered": idempotent_handler}):
        publisher.publish(event)
        publisher.publish(event)
        publisher.publish(registered("p-2"))
        wait_until(lambda: "p-2" in calls, message="second event not handled")
    assert sorted(calls) == ["p-1", "p-1", "p-2"]
    assert context.db["inbox"].count_documents({}) == 2


def test_a_failing_handler_is_retried_and_the_loop_goes_on(context, publisher):
    calls = []
    with running_worker(context, {"intake.patient.registered": recording_handler(calls, fail_times=2)}):
        publisher.publish(registered("p-1"))
        wait_until(lambda: context.db["seen"].count_documents({}) == 1, message="event not handled after retries")
    assert calls == ["p-1", "p-1", "p-1"]


def test_a_handler_that_keeps_failing_lands_in_the_dead_letter_queue(context, publisher):
    calls = []
    with running_worker(context, {"intake.patient.registered": recording_handler(calls, fail_times=100)}):
        publisher.publish(registered("p-1"))
        wait_until(lambda: len(calls) >= context.topology.delivery_limit, timeout=30, message="not retried to the limit")
        letters = wait_until(lambda: dead_letters(context), message="nothing dead-lettered")
    assert "handler failed" in letters[0].headers["x-iop-dead-letter-reason"]
    assert letters[0].headers["x-iop-original-routing-key"] == "intake.patient.registered"


def database_down_handler(calls, fail_times):
    """A handler whose database is unreachable (pymongo's AutoReconnect) for ``fail_times`` deliveries."""
    def handle(event, context):
        calls.append(event.payload["patient_id"])
        if len(calls) <= fail_times:
            raise AutoReconnect("connection refused")
        context.db["seen"].insert_one({"_id": event.event_id})
    return handle


def test_an_unavailable_database_uses_up_no_attempts(context, publisher):
    calls = []
    failing = context.topology.delivery_limit + 3  # a plain requeue would dead-letter it by now
    with running_worker(context, {"intake.patient.registered": database_down_handler(calls, failing)}):
        publisher.publish(registered("p-1"))
        wait_until(lambda: context.db["seen"].count_documents({}) == 1, timeout=30, message="event not handled")
    assert calls == ["p-1"] * (failing + 1)
    assert dead_letters(context) == []


def test_errors_caused_by_the_database_being_unavailable_are_told_apart():
    try:
        try:
            raise NotPrimaryError("node is shutting down")
        except NotPrimaryError as cause:
            raise RuntimeError("could not write the plan") from cause
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(RuntimeError("a bug"))
    assert not database_unavailable(DuplicateKeyError("E11000"))


def test_a_pickled_message_is_dead_lettered_not_acked_away(context):
    queue = f"{context.settings.broker_namespace}.medication.events"
    with running_worker(context, {}):
        with Connection(context.settings.amqp_url) as connection:
            Producer(connection.channel()).publish(pickle.dumps({"x": 1}), routing_key=queue, exchange="",
                                                   content_type="application/x-python-serialize",
                                                   content_encoding="binary")
        letters = wait_until(lambda: dead_letters(context), message="pickle not dead-lettered")
    assert "undecodable" in letters[0].headers["x-iop-dead-letter-reason"]


def test_an_envelope_that_breaks_its_schema_is_dead_lettered(context, publisher):
    broken = {**registered("p-1"), "payload": {"patient_id": ""}}
    with running_worker(context, {"intake.patient.registered": recording_handler([])}):
        publisher.publish(broken)
        letters = wait_until(lambda: dead_letters(context), message="invalid event not dead-lettered")
    assert "invalid event" in letters[0].headers["x-iop-dead-letter-reason"]
