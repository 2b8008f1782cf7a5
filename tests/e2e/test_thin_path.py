"""The thin path over HTTP with every service and worker running as separate processes:
patient → enrollment → completed discharge → exactly one aftercare plan."""
import os
import signal

import pytest

from system.services import subscriptions
from tests.e2e.workflow import await_handled, await_plans, complete, register_and_admit
from tests.system import System
from tests.workers import delete_topology

pytestmark = pytest.mark.e2e


@pytest.fixture
def embedded_system(tmp_path):
    """``make run`` on embedded defaults: the supervisor starts the MongoDB stand-in itself."""
    system = System(tmp_path / "var").start()
    yield system
    system.stop()


@pytest.fixture
def rabbitmq_system(tmp_path, mongo_url, amqp_url, namespace):
    system = System(tmp_path / "var", env={"IOP_MONGO_URL": mongo_url, "IOP_AMQP_URL": amqp_url,
                                           "IOP_BROKER_NAMESPACE": namespace}).start()
    yield system
    system.stop()
    delete_topology(system.settings)  # leave nothing on the shared broker


def test_completion_makes_exactly_one_plan_on_embedded_defaults(embedded_system):
    enrollment = register_and_admit(embedded_system, "E2E-1")
    request_id = complete(embedded_system, enrollment["id"], step_down={"level_of_care": "outpatient_therapy"})
    second = embedded_system.post(f"/intake/v1/enrollments/{enrollment['id']}/discharge",
                                  {"outcome": "completed", "discharge_date": "2026-10-26"})
    [plan] = await_plans(embedded_system, enrollment["id"])
    assert second.status_code == 409
    assert (plan["enrollment_id"], plan["outcome"]) == (enrollment["id"], "completed")
    # Every consumer of the completion (read from the handler tables) has handled it once (a stray
    # second event would show here).
    consumers = tuple(sorted(service for service, types in subscriptions().items()
                             if "intake.enrollment.completed" in types))
    assert {"aftercare", "medication", "scheduling"} <= set(consumers)
    steps = await_handled(embedded_system, request_id, "intake.enrollment.completed", consumers)
    assert sorted(step["service"] for step in steps) == list(consumers)
    # The plan's referral is its own document, written before aftercare recorded the completion handled.
    [plan] = embedded_system.get("/aftercare/v1/plans", enrollment_id=enrollment["id"]).json()
    assert [referral["level_of_care"] for referral in plan["referrals"]] == ["outpatient_therapy"]
    assert len(embedded_system.get("/aftercare/v1/plans", enrollment_id=enrollment["id"]).json()) == 1


def test_completion_makes_exactly_one_plan_on_rabbitmq(rabbitmq_system):
    enrollment = register_and_admit(rabbitmq_system, "E2E-2")
    complete(rabbitmq_system, enrollment["id"])
    [plan] = await_plans(rabbitmq_system, enrollment["id"])
    assert plan["outcome"] == "completed"


def test_every_service_serves_health_readiness_and_docs(embedded_system):
    for service in ("intake", "scheduling", "medication", "aftercare"):
        assert embedded_system.get(f"/{service}/healthz", headers={}).status_code == 200
        assert embedded_system.get(f"/{service}/readyz", headers={}).json()["checks"] == {"database": "ok", "broker": "ok"}
        spec = embedded_system.get(f"/{service}/openapi.json", headers={}).json()
        assert spec["openapi"].startswith("3.")
        assert embedded_system.get(f"/{service}/docs", headers={}).status_code == 200


def test_data_survives_a_restart_and_ctrl_c_stops_every_process(tmp_path):
    system = System(tmp_path / "var").start()
    enrollment = register_and_admit(system, "E2E-3")
    children = system.children()
    assert system.stop(signal.SIGINT) == 0
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}")]
    restarted = System(tmp_path / "var").start()
    try:
        assert restarted.get(f"/intake/v1/enrollments/{enrollment['id']}").json()["status"] == "active"
    finally:
        restarted.stop()


def test_one_completion_can_be_followed_through_every_service_by_its_request_id(embedded_system):
    from system.trace import trace
    from tests.workers import wait_until

    enrollment = register_and_admit(embedded_system, "E2E-4")
    answer = embedded_system.post(f"/intake/v1/enrollments/{enrollment['id']}/discharge",
                                  {"outcome": "completed", "discharge_date": "2026-10-26"},
                                  headers={"X-Request-ID": "trace-me-4"})
    assert answer.headers["X-Request-ID"] == "trace-me-4"
    settings = embedded_system.settings  # this system's own database, never another instance's
    handled = wait_until(lambda: {(s["service"], s["event_type"]) for s in trace(settings, "trace-me-4")} >= {
        ("aftercare", "intake.enrollment.completed"), ("scheduling", "intake.enrollment.completed"),
        ("medication", "intake.enrollment.completed"), ("aftercare", "scheduling.appointment.booked"),
        ("aftercare", "medication.reconciliation.completed")}, timeout=60, message="completion not traced everywhere")
    assert handled
