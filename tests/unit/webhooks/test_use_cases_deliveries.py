"""Deliveries on the in-memory store: recorded once per event and endpoint from the site's events,
sent by the sweep signed and re-checked, retried on the schedule and by hand."""
import json
import uuid
from datetime import timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.webhooks.domain.deliveries import Attempt
from services.webhooks.store import delivery_id_for
from services.webhooks.use_cases.deliveries import (
    record_deliveries,
    retry_delivery,
    retry_failed,
    send_test_event,
)
from services.webhooks.use_cases.endpoints import register_endpoint, rotate_secret, update_endpoint
from services.webhooks.use_cases.sending import send_due_deliveries
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, IllegalTransition, NotFound
from shared.events.intake import patient_registered
from tests.unit.webhooks.conftest import NOW, OTHER_SITE, SITE, endpoint_fields, request_cause


def envelope(site_id: str = SITE, event_type_builder=patient_registered, **payload) -> dict:
    payload = payload or {"patient_id": str(uuid.uuid4())}
    return Cause(site_id, correlation_id="request-1").envelope(event_type_builder(**payload))


@pytest.fixture
def endpoint(store, settings, transport):
    return register_endpoint(store, request_cause(), settings, transport,
                             endpoint_fields(event_types=["intake.patient.registered"]))


def sweep(context) -> int:
    return send_due_deliveries(context.store, context.delivery, context.transport)


def test_an_event_of_the_site_is_recorded_for_each_endpoint_that_wants_it(store, settings, transport, endpoint):
    register_endpoint(store, request_cause(), settings, transport, endpoint_fields(event_types=["aftercare.plan.created"]))
    event = envelope()
    assert record_deliveries(store, event) == 1
    [delivery] = store.deliveries.find({})
    assert (delivery["_id"], delivery["status"], delivery["next_attempt_at"]) == (
        delivery_id_for(endpoint[0]["_id"], event["event_id"]), "pending", NOW)
    assert json.loads(delivery["body"]) == event


def test_a_redelivered_event_records_nothing_more(store, endpoint):
    event = envelope()
    record_deliveries(store, event)
    assert record_deliveries(store, event) == 0
    assert store.deliveries.count({}) == 1


def test_another_sites_event_and_a_paused_endpoint_get_no_delivery(store, settings, transport, endpoint):
    assert record_deliveries(store, envelope(OTHER_SITE)) == 0
    update_endpoint(store, request_cause(), settings, transport, endpoint[0]["_id"], {"active": False})
    assert record_deliveries(store, envelope()) == 0


def test_the_sweep_sends_the_body_signed_with_the_delivery_id(context, store, transport, endpoint):
    record_deliveries(store, envelope())
    assert sweep(context) == 1
    [sent] = transport.sent
    [delivery] = store.deliveries.find({})
    assert sent["headers"]["webhook-id"] == delivery["_id"]
    assert Webhook(endpoint[1]).verify(sent["body"], sent["headers"])["event_id"] == delivery["event_id"]
    assert (delivery["status"], delivery["attempts"][0]["status_code"]) == ("delivered", 200)


def test_a_failed_attempt_is_tried_again_after_five_seconds_not_before(context, store, transport, endpoint):
    transport.answers = [Attempt(500, 20, "http_status")]
    record_deliveries(store, envelope())
    sweep(context)
    with clock.pinned(NOW + timedelta(seconds=4)):
        assert sweep(context) == 0
    with clock.pinned(NOW + timedelta(seconds=5)):
        assert sweep(context) == 1
    [delivery] = store.deliveries.find({})
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 200]
    assert delivery["status"] == "delivered"


def test_a_host_now_resolving_to_a_private_address_is_not_sent_to(context, store, transport, endpoint):
    transport.addresses["receiver.example.org"] = ["169.254.169.254"]
    record_deliveries(store, envelope())
    sweep(context)
    [delivery] = store.deliveries.find({})
    assert transport.sent == []
    assert (delivery["attempts"][0]["error"], delivery["status"]) == ("address_refused", "pending")


def test_a_delivery_to_an_endpoint_paused_meanwhile_fails_at_once(context, store, settings, transport, endpoint):
    record_deliveries(store, envelope())
    update_endpoint(store, request_cause(), settings, transport, endpoint[0]["_id"], {"active": False})
    sweep(context)
    [delivery] = store.deliveries.find({})
    assert (delivery["status"], delivery["attempts"][0]["error"], transport.sent) == ("failed", "endpoint_paused", [])


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(context, store, transport, endpoint):
    _, new = rotate_secret(store, request_cause(), endpoint[0]["_id"], timedelta(hours=24))
    record_deliveries(store, envelope())
    sweep(context)
    for secret in (endpoint[1], new):
        Webhook(secret).verify(transport.sent[0]["body"], transport.sent[0]["headers"])
    with clock.pinned(NOW + timedelta(hours=24)):
        record_deliveries(store, envelope())
        sweep(context)
    Webhook(new).verify(transport.sent[1]["body"], transport.sent[1]["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint[1]).verify(transport.sent[1]["body"], transport.sent[1]["headers"])


def test_the_test_event_goes_to_its_endpoint_only(context, store, settings, transport, endpoint):
    register_endpoint(store, request_cause(), settings, transport, endpoint_fields(event_types=["*"]))
    delivery = send_test_event(store, request_cause(), endpoint[0]["_id"])
    assert (delivery["event_type"], delivery["endpoint_id"], store.deliveries.count({})) == (
        "webhooks.endpoint.tested", endpoint[0]["_id"], 1)
    sweep(context)
    body = json.loads(transport.sent[0]["body"])
    assert (body["producer"], body["site_id"], body["payload"]) == ("webhooks", SITE, {"endpoint_id": endpoint[0]["_id"]})


def test_no_test_event_for_a_paused_or_another_sites_endpoint(store, settings, transport, endpoint):
    with pytest.raises(NotFound):
        send_test_event(store, request_cause(OTHER_SITE), endpoint[0]["_id"])
    update_endpoint(store, request_cause(), settings, transport, endpoint[0]["_id"], {"active": False})
    with pytest.raises(Conflict):
        send_test_event(store, request_cause(), endpoint[0]["_id"])


def failed_delivery(context, store, transport) -> dict:
    transport.answers = [Attempt(None, 0, "connection")] * 20
    record_deliveries(store, envelope())
    at = NOW
    while store.deliveries.find_one({})["status"] == "pending":
        with clock.pinned(at):
            sweep(context)
        at = store.deliveries.find_one({})["next_attempt_at"] or at
    return store.deliveries.find_one({})


def test_a_delivery_never_answered_fails_after_eight_attempts_and_is_retried_by_hand(context, store, transport, endpoint):
    failed = failed_delivery(context, store, transport)
    assert (failed["status"], failed["attempt_count"]) == ("failed", 8)
    with pytest.raises(NotFound):
        retry_delivery(store, request_cause(OTHER_SITE), failed["_id"])
    retried = retry_delivery(store, request_cause(), failed["_id"])
    assert (retried["status"], retried["next_attempt_at"]) == ("pending", NOW)
    transport.answers = []
    sweep(context)
    assert store.deliveries.find_one({})["status"] == "delivered"
    with pytest.raises(IllegalTransition):
        retry_delivery(store, request_cause(), failed["_id"])


def test_every_failed_delivery_of_an_endpoint_is_retried_at_once(context, store, transport, endpoint):
    failed_delivery(context, store, transport)
    record_deliveries(store, envelope())  # pending, not failed: left as it is
    assert retry_failed(store, request_cause(), endpoint[0]["_id"]) == 1
    assert {d["status"] for d in store.deliveries.find({})} == {"pending"}
    with pytest.raises(NotFound):
        retry_failed(store, request_cause(OTHER_SITE), endpoint[0]["_id"])


def test_a_claimed_delivery_is_not_sent_by_a_second_sweep(context, store, transport, endpoint):
    record_deliveries(store, envelope())
    [delivery] = store.deliveries.find({})
    store.deliveries.modify({"_id": delivery["_id"]},
                            lambda current: ({"claimed_by": "other-worker", "next_attempt_at": NOW + timedelta(minutes=2)}, []))
    assert sweep(context) == 0 and transport.sent == []
