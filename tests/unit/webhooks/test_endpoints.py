"""An endpoint's rules: which events it wants, its subscription checked against the contract, and
its secrets through rotations with an overlap."""
from datetime import datetime, timedelta, timezone

import pytest

from services.webhooks.domain.endpoints import (
    check_event_types,
    new_endpoint,
    require_active,
    rotate_secret,
    signing_secrets,
    wants,
)
from shared.errors import Conflict, Invalid
from shared.events import registered_event_types

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
KNOWN = registered_event_types()


def endpoint(event_types=("intake.enrollment.completed",), active=True, secret="whsec_first") -> dict:
    return new_endpoint("ep-1", {"url": "https://receiver.example.org/", "event_types": list(event_types),
                                 "active": active}, secret, NOW, "front-end")


def rotated(current: dict, secret: str, at: datetime, overlap=timedelta(hours=24)) -> dict:
    changes, events = rotate_secret(current, secret, at, overlap)
    assert events == []
    return {**current, **changes}


def test_an_endpoint_wants_the_types_it_names_only():
    assert wants(endpoint(), "intake.enrollment.completed")
    assert not wants(endpoint(), "intake.enrollment.discharged")


def test_star_wants_every_event_but_the_test_event():
    assert wants(endpoint(["*"]), "aftercare.plan.created")
    assert not wants(endpoint(["*"]), "webhooks.endpoint.tested")


def test_a_paused_endpoint_wants_nothing_and_takes_no_test():
    assert not wants(endpoint(["*"], active=False), "aftercare.plan.created")
    with pytest.raises(Conflict):
        require_active(endpoint(active=False))


def test_a_subscription_names_known_types_each_once():
    assert check_event_types(["aftercare.plan.created", "*", "aftercare.plan.created"], KNOWN) == [
        "aftercare.plan.created", "*"]


@pytest.mark.parametrize("event_types", [["intake.patient.renamed"], ["webhooks.endpoint.tested"], []])
def test_unknown_types_the_test_event_or_nothing_are_refused_on_event_types(event_types):
    with pytest.raises(Invalid) as refused:
        check_event_types(event_types, KNOWN)
    assert set(refused.value.errors) == {"event_types"}


def test_a_new_endpoint_signs_with_its_one_secret():
    assert signing_secrets(endpoint(), NOW) == ["whsec_first"]


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends():
    current = rotated(endpoint(), "whsec_second", NOW)
    assert signing_secrets(current, NOW + timedelta(hours=23)) == ["whsec_second", "whsec_first"]
    assert signing_secrets(current, NOW + timedelta(hours=24)) == ["whsec_second"]


def test_a_second_rotation_keeps_each_previous_secret_to_its_own_end_and_drops_the_expired():
    current = rotated(endpoint(), "whsec_second", NOW)
    current = rotated(current, "whsec_third", NOW + timedelta(hours=1))
    assert signing_secrets(current, NOW + timedelta(hours=2)) == ["whsec_third", "whsec_second", "whsec_first"]
    current = rotated(current, "whsec_fourth", NOW + timedelta(hours=30))
    assert [kept["secret"] for kept in current["secrets"]] == ["whsec_fourth", "whsec_third"]


def test_a_rotation_without_overlap_stops_the_old_secret_at_once():
    current = rotated(endpoint(), "whsec_second", NOW, overlap=timedelta(0))
    assert signing_secrets(current, NOW) == ["whsec_second"]


def test_an_overlap_longer_than_a_week_is_refused():
    with pytest.raises(Invalid) as refused:
        rotate_secret(endpoint(), "whsec_second", NOW, timedelta(days=8))
    assert set(refused.value.errors) == {"overlap_hours"}
