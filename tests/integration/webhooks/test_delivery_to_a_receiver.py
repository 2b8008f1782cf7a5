"""Deliveries to a real HTTP receiver on 127.0.0.1, which verifies every request with the Standard
Webhooks reference library: the first try, failures then success, a secret rotation, a receiver
that never answers 2xx, a slow one, a redirect, and the test event. Time is moved with the pinned
clock; the signatures' timestamps are the wall clock's, as receivers check them."""
import time
from datetime import datetime, timedelta

import pytest

from services.webhooks.use_cases.transport import DeliverySettings
from shared import clock
from tests.backends import free_port
from tests.conftest import CLINICIAN
from tests.integration.conftest import WRITTEN_ON
from tests.integration.webhooks.conftest import completion, consume, register, sweep


@pytest.fixture
def endpoint(local, receiver):
    client, _ = local
    endpoint = register(client, url=receiver.url)
    receiver.secrets = [endpoint["secret"]]
    return endpoint


def deliveries(client, endpoint) -> list[dict]:
    answer = client.get(f"/v1/deliveries?endpoint_id={endpoint['id']}", headers=CLINICIAN)
    assert answer.status_code == 200
    return answer.json


def test_an_event_is_delivered_verified_on_the_first_try(local, receiver, endpoint):
    client, context = local
    event = completion()
    consume(context, event)
    assert sweep(context) == 1
    [received] = receiver.received
    assert received["verified_by"] == [endpoint["secret"]]
    assert received["body"]["event_id"] == event["event_id"]
    assert received["body"]["payload"]["step_down"] == {"level_of_care": "outpatient_therapy", "provider_id": None}
    [delivery] = deliveries(client, endpoint)
    assert received["headers"]["webhook-id"] == delivery["id"]
    assert (delivery["status"], delivery["attempt_count"]) == ("delivered", 1)
    [attempt] = delivery["attempts"]
    assert (attempt["status_code"], attempt["error"]) == (204, None) and attempt["latency_ms"] >= 0


def test_another_sites_event_is_not_delivered(local, receiver, endpoint):
    _, context = local
    consume(context, completion(site_id="stpaul"))
    assert sweep(context) == 0 and receiver.received == []


def test_a_receiver_failing_then_answering_gets_every_attempt_with_one_webhook_id(local, receiver, endpoint):
    client, context = local
    receiver.statuses = [500, 503]
    consume(context, completion())
    for offset in (timedelta(0), timedelta(seconds=5), timedelta(seconds=5, minutes=5)):
        with clock.pinned(WRITTEN_ON + offset):
            assert sweep(context) == 1
    assert len({received["headers"]["webhook-id"] for received in receiver.received}) == 1
    assert all(received["verified_by"] == [endpoint["secret"]] for received in receiver.received)
    [delivery] = deliveries(client, endpoint)
    assert delivery["status"] == "delivered"
    assert [(attempt["status_code"], attempt["error"]) for attempt in delivery["attempts"]] == [
        (500, "http_status"), (503, "http_status"), (204, None)]


def test_during_a_rotation_the_receiver_verifies_with_either_secret_then_only_the_new_one(local, receiver, endpoint):
    client, context = local
    rotation = client.post(f"/v1/endpoints/{endpoint['id']}/rotate-secret", json={"overlap_hours": 24},
                           headers=CLINICIAN)
    receiver.secrets = [endpoint["secret"], rotation.json["secret"]]
    consume(context, completion())
    sweep(context)
    assert receiver.received[0]["verified_by"] == [endpoint["secret"], rotation.json["secret"]]
    with clock.pinned(WRITTEN_ON + timedelta(hours=24)):
        consume(context, completion())
        sweep(context)
    assert receiver.received[1]["verified_by"] == [rotation.json["secret"]]


def test_a_receiver_that_never_answers_2xx_ends_failed_after_the_schedule_and_can_be_retried(local, receiver, endpoint):
    client, context = local
    receiver.default_status = 500
    consume(context, completion())
    at = WRITTEN_ON
    for _ in range(20):
        with clock.pinned(at):
            assert sweep(context) == 1
        delivery = deliveries(client, endpoint)[0]
        if delivery["status"] != "pending":
            break
        at = datetime.fromisoformat(delivery["next_attempt_at"])
    assert (delivery["status"], delivery["attempt_count"]) == ("failed", 8)
    assert len(receiver.received) == 8 and all(received["verified_by"] for received in receiver.received)
    offsets = [datetime.fromisoformat(attempt["at"]) - WRITTEN_ON for attempt in delivery["attempts"]]
    assert offsets == [timedelta(seconds=seconds) for seconds in (0, 5, 305, 2105, 9305, 27305, 63305, 99305)]
    receiver.default_status = 200
    retried = client.post(f"/v1/deliveries/{delivery['id']}/retry", headers=CLINICIAN)
    assert (retried.status_code, retried.json["status"]) == (200, "pending")
    with clock.pinned(at):
        sweep(context)
    assert deliveries(client, endpoint)[0]["status"] == "delivered"


def test_a_slow_receiver_costs_one_timeout_and_is_tried_again(local, receiver, endpoint):
    _, context = local
    context.delivery = DeliverySettings(allow_private=True, timeout_seconds=0.3)
    receiver.delay = 1.5
    consume(context, completion())
    started = time.monotonic()
    sweep(context)
    assert time.monotonic() - started < 1.2
    delivery = context.store.deliveries.find_one({})
    assert (delivery["status"], delivery["attempts"][0]["error"]) == ("pending", "timeout")


def test_a_redirect_is_not_followed(local, receiver, endpoint):
    _, context = local
    receiver.statuses = [307]
    consume(context, completion())
    sweep(context)
    delivery = context.store.deliveries.find_one({})
    assert len(receiver.received) == 1
    assert (delivery["attempts"][0]["status_code"], delivery["attempts"][0]["error"]) == (307, "redirect")


def test_a_receiver_that_is_not_listening_is_a_connection_failure(local):
    client, context = local
    register(client, url=f"http://127.0.0.1:{free_port()}/hooks")
    consume(context, completion())
    sweep(context)
    delivery = context.store.deliveries.find_one({})
    assert (delivery["status"], delivery["attempts"][0]["status_code"], delivery["attempts"][0]["error"]) == (
        "pending", None, "connection")


def test_the_test_event_reaches_the_receiver_in_the_envelope_signed(local, receiver, endpoint):
    client, context = local
    answer = client.post(f"/v1/endpoints/{endpoint['id']}/test", headers={**CLINICIAN, "X-Request-ID": "try-1"})
    sweep(context)
    [received] = receiver.received
    assert received["verified_by"] == [endpoint["secret"]]
    assert received["headers"]["webhook-id"] == answer.json["id"]
    body = received["body"]
    assert set(body) == {"event_id", "event_type", "event_version", "occurred_at", "site_id", "correlation_id",
                         "causation_id", "producer", "payload"}
    assert (body["event_type"], body["site_id"], body["correlation_id"], body["payload"]) == (
        "webhooks.endpoint.tested", "mpls", "try-1", {"endpoint_id": endpoint["id"]})
