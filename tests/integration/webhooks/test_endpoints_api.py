"""Endpoints over HTTP: registration with the secret shown once, the URL rule, changes, rotation,
the test event, deletion, and another site's endpoints answering 404."""
from datetime import datetime, timedelta

import pytest

from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.conftest import WRITTEN_ON
from tests.integration.webhooks.conftest import URL, register


def test_a_registered_endpoint_is_answered_once_with_its_secret(webhooks):
    endpoint = register(webhooks, description="Care coordination")
    assert endpoint["secret"].startswith("whsec_")
    assert {key: endpoint[key] for key in ("url", "event_types", "active", "description")} == {
        "url": URL, "event_types": ["intake.enrollment.completed"], "active": True,
        "description": "Care coordination"}


def test_the_secret_is_never_shown_again(webhooks):
    endpoint = register(webhooks)
    path = f"/v1/endpoints/{endpoint['id']}"
    answers = [webhooks.get(path, headers=CLINICIAN), webhooks.get("/v1/endpoints", headers=CLINICIAN),
               webhooks.patch(path, json={"description": "moved"}, headers=CLINICIAN)]
    for answer in answers:
        assert answer.status_code == 200
        assert endpoint["secret"] not in answer.get_data(as_text=True)
        assert "secret" not in (answer.json if isinstance(answer.json, dict) else answer.json[0])


def test_a_registration_sent_again_with_its_idempotency_key_makes_one_endpoint(webhooks):
    body = {"url": URL, "event_types": ["*"]}
    first = webhooks.post("/v1/endpoints", json=body, headers={**CLINICIAN, "Idempotency-Key": "register-1"})
    again = webhooks.post("/v1/endpoints", json=body, headers={**CLINICIAN, "Idempotency-Key": "register-1"})
    assert (again.status_code, again.json["id"]) == (201, first.json["id"])
    assert len(webhooks.get("/v1/endpoints", headers=CLINICIAN).json) == 1


@pytest.mark.parametrize("url", ["http://receiver.example.org/hooks", "https://localhost/hooks",
                                 "https://127.0.0.1/hooks", "https://[::1]/hooks", "https://10.0.0.8/hooks",
                                 "https://169.254.169.254/latest/meta-data", "https://user:pw@receiver.example.org/"])
def test_a_url_that_is_not_https_or_reaches_a_non_public_address_is_refused_on_url(webhooks, url):
    answer = webhooks.post("/v1/endpoints", json={"url": url, "event_types": ["*"]}, headers=CLINICIAN)
    assert (answer.status_code, answer.content_type) == (422, "application/problem+json")
    assert set(answer.json["errors"]) == {"url"}
    assert webhooks.get("/v1/endpoints", headers=CLINICIAN).json == []


def test_an_unknown_event_type_or_field_is_refused(webhooks):
    unknown_type = webhooks.post("/v1/endpoints", json={"url": URL, "event_types": ["intake.patient.renamed"]},
                                 headers=CLINICIAN)
    unknown_field = webhooks.post("/v1/endpoints", json={"url": URL, "event_types": ["*"], "secret": "mine"},
                                  headers=CLINICIAN)
    assert (unknown_type.status_code, set(unknown_type.json["errors"])) == (422, {"event_types"})
    assert (unknown_field.status_code, set(unknown_field.json["errors"])) == (422, {"secret"})


def test_the_list_holds_the_sites_endpoints_only(webhooks):
    mine = register(webhooks)
    register(webhooks, headers=OTHER_SITE)
    assert [endpoint["id"] for endpoint in webhooks.get("/v1/endpoints", headers=CLINICIAN).json] == [mine["id"]]


def test_another_sites_endpoint_answers_404_to_every_call(webhooks):
    path = f"/v1/endpoints/{register(webhooks)['id']}"
    answers = [webhooks.get(path, headers=OTHER_SITE),
               webhooks.patch(path, json={"active": False}, headers=OTHER_SITE),
               webhooks.post(f"{path}/rotate-secret", json={}, headers=OTHER_SITE),
               webhooks.post(f"{path}/test", headers=OTHER_SITE),
               webhooks.post(f"{path}/retry-failed", headers=OTHER_SITE),
               webhooks.delete(path, headers=OTHER_SITE)]
    assert [answer.status_code for answer in answers] == [404] * 6
    assert webhooks.get(path, headers=CLINICIAN).json["active"] is True


def test_an_update_changes_the_subscription_and_pauses_the_endpoint(webhooks):
    path = f"/v1/endpoints/{register(webhooks)['id']}"
    answer = webhooks.patch(path, json={"event_types": ["aftercare.plan.created", "*"], "active": False},
                            headers=CLINICIAN)
    assert (answer.status_code, answer.json["event_types"], answer.json["active"]) == (
        200, ["aftercare.plan.created", "*"], False)
    assert webhooks.get("/v1/endpoints?active=false", headers=CLINICIAN).json[0]["id"] == answer.json["id"]


def test_a_rotation_answers_a_new_secret_once_and_the_old_one_signs_for_the_overlap(webhooks):
    endpoint = register(webhooks)
    answer = webhooks.post(f"/v1/endpoints/{endpoint['id']}/rotate-secret", json={"overlap_hours": 12},
                           headers=CLINICIAN)
    assert answer.status_code == 200
    assert answer.json["secret"].startswith("whsec_") and answer.json["secret"] != endpoint["secret"]
    newest, previous = answer.json["signing_secrets"]
    assert newest["expires_at"] is None
    assert datetime.fromisoformat(previous["expires_at"]) == WRITTEN_ON + timedelta(hours=12)


def test_a_rotation_without_a_body_keeps_the_old_secret_a_day_and_a_week_is_the_longest_overlap(webhooks):
    path = f"/v1/endpoints/{register(webhooks)['id']}/rotate-secret"
    answer = webhooks.post(path, headers=CLINICIAN)
    assert datetime.fromisoformat(answer.json["signing_secrets"][1]["expires_at"]) == WRITTEN_ON + timedelta(hours=24)
    too_long = webhooks.post(path, json={"overlap_hours": 169}, headers=CLINICIAN)
    assert (too_long.status_code, set(too_long.json["errors"])) == (422, {"overlap_hours"})


def test_the_test_event_is_a_pending_delivery_to_the_endpoint(webhooks):
    endpoint = register(webhooks)
    answer = webhooks.post(f"/v1/endpoints/{endpoint['id']}/test", headers=CLINICIAN)
    assert answer.status_code == 202
    assert (answer.json["event_type"], answer.json["endpoint_id"], answer.json["status"]) == (
        "webhooks.endpoint.tested", endpoint["id"], "pending")
    listed = webhooks.get(f"/v1/deliveries?endpoint_id={endpoint['id']}", headers=CLINICIAN).json
    assert [delivery["id"] for delivery in listed] == [answer.json["id"]]


def test_a_paused_endpoint_takes_no_test_event(webhooks):
    path = f"/v1/endpoints/{register(webhooks, active=False)['id']}"
    assert webhooks.post(f"{path}/test", headers=CLINICIAN).status_code == 409


def test_a_deleted_endpoint_is_gone_with_its_deliveries(webhooks):
    path = f"/v1/endpoints/{register(webhooks)['id']}"
    webhooks.post(f"{path}/test", headers=CLINICIAN)
    assert webhooks.delete(path, headers=CLINICIAN).status_code == 204
    assert webhooks.get(path, headers=CLINICIAN).status_code == 404
    assert webhooks.get("/v1/deliveries", headers=CLINICIAN).json == []


def test_without_the_operators_setting_a_loopback_receiver_is_refused(webhooks):
    answer = webhooks.post("/v1/endpoints", json={"url": "http://127.0.0.1:8080/hooks", "event_types": ["*"]},
                           headers=CLINICIAN)
    assert (answer.status_code, set(answer.json["errors"])) == (422, {"url"})


def test_with_the_operators_setting_a_loopback_receiver_is_allowed(local):
    client, _ = local
    assert register(client, url="http://127.0.0.1:8080/hooks")["url"] == "http://127.0.0.1:8080/hooks"


def test_the_spec_lists_every_path_and_is_served_without_a_key(webhooks):
    answer = webhooks.get("/openapi.json")
    assert answer.status_code == 200
    assert set(answer.json["paths"]) == {
        "/v1/endpoints", "/v1/endpoints/{endpoint_id}", "/v1/endpoints/{endpoint_id}/rotate-secret",
        "/v1/endpoints/{endpoint_id}/test", "/v1/endpoints/{endpoint_id}/retry-failed", "/v1/deliveries",
        "/v1/deliveries/{delivery_id}", "/v1/deliveries/{delivery_id}/retry"}
