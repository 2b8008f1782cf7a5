"""The webhooks store on the in-memory database: endpoints and deliveries read back as the domain
made them, whatever form the database returned them in; and derived delivery ids."""
from datetime import timedelta

from services.webhooks.domain.deliveries import Attempt, new_delivery, record_attempt
from services.webhooks.domain.endpoints import new_endpoint, rotate_secret
from services.webhooks.store import DELIVERIES, ENDPOINTS, delivery_id_for
from shared.store import BOOKKEEPING
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.webhooks.conftest import NOW, SITE, URL


def an_endpoint() -> dict:
    endpoint = new_endpoint("ep-1", {"url": URL, "event_types": ["*"], "active": True}, "whsec_a", NOW, "front-end")
    changes, _ = rotate_secret(endpoint, "whsec_b", NOW + timedelta(hours=1))
    return {**endpoint, **changes, "site_id": SITE}


def a_delivery() -> dict:
    delivery = new_delivery("d-1", {"_id": "ep-1"}, {"event_id": "e-1", "event_type": "aftercare.plan.created"},
                            "{}", NOW)
    changes, _ = record_attempt(delivery, Attempt(500, 12, "http_status"), NOW)
    return {**delivery, **changes, "site_id": SITE}


def without_bookkeeping(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in BOOKKEEPING}


def test_an_endpoint_and_a_delivery_read_back_as_the_domain_made_them(store):
    store.endpoints.insert(an_endpoint())
    store.deliveries.insert(a_delivery())
    assert typed(without_bookkeeping(store.endpoints.find_one({"_id": "ep-1"}))) == typed(an_endpoint())
    assert typed(without_bookkeeping(store.deliveries.find_one({"_id": "d-1"}))) == typed(a_delivery())


def test_what_the_stand_in_returns_after_a_set_reads_back_with_its_types(store):
    store.db[ENDPOINTS].insert_one(as_the_stand_in_returns(an_endpoint()))
    store.db[DELIVERIES].insert_one(as_the_stand_in_returns(a_delivery()))
    endpoint, delivery = store.endpoints.find_one({"_id": "ep-1"}), store.deliveries.find_one({"_id": "d-1"})
    assert typed(without_bookkeeping(endpoint)) == typed(an_endpoint())
    assert typed(without_bookkeeping(delivery)) == typed(a_delivery())
    assert strings_like_days(delivery) == [] and strings_like_days(endpoint) == []


def test_a_delivery_id_is_the_same_on_every_redelivery_and_differs_by_endpoint():
    assert delivery_id_for("ep-1", "e-1") == delivery_id_for("ep-1", "e-1")
    assert len({delivery_id_for("ep-1", "e-1"), delivery_id_for("ep-2", "e-1"), delivery_id_for("ep-1", "e-2")}) == 3
