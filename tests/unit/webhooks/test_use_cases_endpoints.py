"""Registering, changing, rotating and deleting endpoints on the in-memory store: the secret is
returned once and kept to sign, URLs are checked against what their host resolves to, and another
site's endpoint is missing."""
from datetime import timedelta

import pytest

from services.webhooks.use_cases.endpoints import (
    delete_endpoint,
    find_endpoint,
    register_endpoint,
    rotate_secret,
    update_endpoint,
)
from shared.errors import Invalid, NotFound
from tests.unit.webhooks.conftest import CLINICIAN, NOW, OTHER_SITE, SITE, URL, endpoint_fields, request_cause


@pytest.fixture
def registered(store, settings, transport):
    return register_endpoint(store, request_cause(), settings, transport, endpoint_fields())


def test_a_registered_endpoint_is_active_at_the_callers_site_with_a_new_secret(store, registered):
    endpoint, secret = registered
    stored = store.endpoints.find_one({"_id": endpoint["_id"]})
    assert (stored["site_id"], stored["url"], stored["active"], stored["created_by"]) == (SITE, URL, True, CLINICIAN)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert stored["secrets"] == [{"secret": secret, "created_at": NOW, "expires_at": None}]


def test_two_endpoints_get_different_secrets(store, settings, transport, registered):
    _, other_secret = register_endpoint(store, request_cause(), settings, transport, endpoint_fields())
    assert other_secret != registered[1]


def test_a_host_resolving_to_a_private_address_is_refused_on_url(store, settings, transport):
    transport.addresses["intranet.example.org"] = ["93.184.216.34", "10.0.0.5"]
    with pytest.raises(Invalid) as refused:
        register_endpoint(store, request_cause(), settings, transport,
                          endpoint_fields(url="https://intranet.example.org/hook"))
    assert set(refused.value.errors) == {"url"}
    assert store.endpoints.count({}) == 0


def test_a_bad_url_and_an_unknown_event_type_are_refused_together(store, settings, transport):
    with pytest.raises(Invalid) as refused:
        register_endpoint(store, request_cause(), settings, transport,
                          endpoint_fields(url="http://receiver.example.org/", event_types=["intake.nothing.happened"]))
    assert set(refused.value.errors) == {"url", "event_types"}


def test_another_sites_endpoint_is_not_found(store, registered):
    with pytest.raises(NotFound):
        find_endpoint(store, OTHER_SITE, registered[0]["_id"])


def test_an_update_changes_the_subscription_and_pauses(store, settings, transport, registered):
    endpoint = update_endpoint(store, request_cause(), settings, transport, registered[0]["_id"],
                               {"event_types": ["*"], "active": False})
    assert (endpoint["event_types"], endpoint["active"]) == (["*"], False)


def test_a_new_url_is_checked_again(store, settings, transport, registered):
    transport.addresses["moved.example.org"] = ["127.0.0.1"]
    with pytest.raises(Invalid):
        update_endpoint(store, request_cause(), settings, transport, registered[0]["_id"],
                        {"url": "https://moved.example.org/"})


def test_another_site_cannot_update_or_delete_an_endpoint(store, settings, transport, registered):
    with pytest.raises(NotFound):
        update_endpoint(store, request_cause(OTHER_SITE), settings, transport, registered[0]["_id"], {"active": False})
    with pytest.raises(NotFound):
        delete_endpoint(store, request_cause(OTHER_SITE), registered[0]["_id"])
    assert store.endpoints.count({}) == 1


def test_a_rotation_returns_a_new_secret_and_keeps_the_old_one_signing_for_the_overlap(store, registered):
    endpoint, first = registered
    rotated, second = rotate_secret(store, request_cause(), endpoint["_id"], timedelta(hours=24))
    assert second != first
    assert [(kept["secret"], kept["expires_at"]) for kept in rotated["secrets"]] == [
        (second, None), (first, NOW + timedelta(hours=24))]


def test_deleting_an_endpoint_removes_its_deliveries(store, registered):
    endpoint, _ = registered
    store.deliveries.insert({"_id": "d-1", "site_id": SITE, "endpoint_id": endpoint["_id"]})
    delete_endpoint(store, request_cause(), endpoint["_id"])
    assert (store.endpoints.count({}), store.deliveries.count({})) == (0, 0)
