"""A delivery's rules: claimed when due, each attempt logged, delivered on a 2xx, retried on the
schedule, failed when it is spent or the endpoint is paused, and retried by hand only when failed."""
from datetime import datetime, timedelta, timezone

import pytest

from services.webhooks.domain import deliveries as rules
from services.webhooks.domain.deliveries import Attempt, claim, new_delivery, record_attempt, retry
from shared.errors import IllegalTransition

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
ENVELOPE = {"event_id": "e-1", "event_type": "intake.enrollment.completed"}


def delivery() -> dict:
    return new_delivery("d-1", {"_id": "ep-1"}, ENVELOPE, '{"event_id":"e-1"}', NOW)


def after(current: dict, attempt: Attempt, at: datetime) -> dict:
    changes, events = record_attempt(current, attempt, at)
    assert events == []
    return {**current, **changes}


def test_an_answer_is_a_success_only_in_the_2xx_range():
    assert Attempt.answered(204, 5).succeeded
    assert Attempt.answered(302, 5).error == rules.REDIRECT
    assert Attempt.answered(500, 5).error == rules.HTTP_STATUS
    assert Attempt.answered(410, 5).error == rules.HTTP_STATUS


def test_a_new_delivery_is_due_at_once():
    assert (delivery()["status"], delivery()["next_attempt_at"]) == ("pending", NOW)


def test_a_claim_takes_a_due_delivery_for_a_lease_and_nobody_else_gets_it():
    changes, _ = claim(delivery(), "worker-a", NOW)
    claimed = {**delivery(), **changes}
    assert claimed["next_attempt_at"] == NOW + rules.CLAIM_LEASE
    assert claim(claimed, "worker-b", NOW + timedelta(seconds=30)) is None
    assert claim(claimed, "worker-b", NOW + rules.CLAIM_LEASE) is not None


def test_a_2xx_delivers_and_logs_the_attempt():
    delivered = after(delivery(), Attempt(200, 42), NOW)
    assert (delivered["status"], delivered["delivered_at"], delivered["next_attempt_at"]) == ("delivered", NOW, None)
    assert delivered["attempts"] == [{"at": NOW, "status_code": 200, "latency_ms": 42, "error": None}]


def test_a_failure_is_tried_again_after_the_next_delay():
    current = after(delivery(), Attempt(503, 30, rules.HTTP_STATUS), NOW)
    assert (current["status"], current["next_attempt_at"]) == ("pending", NOW + timedelta(seconds=5))
    current = after(current, Attempt(None, 5000, rules.TIMEOUT), NOW + timedelta(seconds=5))
    assert current["next_attempt_at"] == NOW + timedelta(seconds=5, minutes=5)
    assert [attempt["error"] for attempt in current["attempts"]] == ["http_status", "timeout"]


def test_a_failure_a_day_after_the_first_attempt_fails_the_delivery():
    current = after(delivery(), Attempt(500, 1, rules.HTTP_STATUS), NOW)
    current = after(current, Attempt(500, 1, rules.HTTP_STATUS), NOW + timedelta(hours=24))
    assert (current["status"], current["failed_at"], current["next_attempt_at"]) == (
        "failed", NOW + timedelta(hours=24), None)


def test_a_paused_endpoint_fails_the_delivery_at_once():
    current = after(delivery(), Attempt(None, 0, rules.ENDPOINT_PAUSED), NOW)
    assert current["status"] == "failed"


def test_a_manual_retry_starts_a_new_schedule_and_keeps_the_log():
    failed = after(after(delivery(), Attempt(500, 1, rules.HTTP_STATUS), NOW),
                   Attempt(500, 1, rules.HTTP_STATUS), NOW + timedelta(hours=25))
    later = NOW + timedelta(days=2)
    changes, _ = retry(failed, later)
    current = {**failed, **changes}
    assert (current["status"], current["next_attempt_at"], current["schedule_attempts"]) == ("pending", later, 0)
    current = after(current, Attempt(500, 1, rules.HTTP_STATUS), later)
    assert current["next_attempt_at"] == later + timedelta(seconds=5)
    assert current["attempt_count"] == 3


@pytest.mark.parametrize("status", ["pending", "delivered"])
def test_only_a_failed_delivery_is_retried_by_hand(status):
    with pytest.raises(IllegalTransition):
        retry({**delivery(), "status": status}, NOW)


def test_the_log_keeps_the_latest_attempts():
    current = delivery()
    for n in range(rules.MAX_LOGGED_ATTEMPTS + 5):
        current = {**current, "status": "pending", "schedule_started_at": None, "schedule_attempts": 0}
        current = after(current, Attempt(500, n, rules.HTTP_STATUS), NOW)
    assert len(current["attempts"]) == rules.MAX_LOGGED_ATTEMPTS
    assert current["attempts"][-1]["latency_ms"] == rules.MAX_LOGGED_ATTEMPTS + 4
