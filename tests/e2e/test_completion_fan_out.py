"""The whole completion fan-out across the four services, as processes, over HTTP only.

A patient with a group, two medication orders (one discontinued) and a schedule completes the
program. Without anyone starting them: aftercare makes its plan with its four tasks and the
step-down referral; scheduling cancels the future sessions and books one follow-up on a business
day within 7 days; medication reconciles the active order; aftercare ties the appointment to the
follow-up task and closes the medication handoff; the attended follow-up is counted as met.
"""
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.workflow import await_plans
from tests.fault.broker import restart_local_rabbitmq
from tests.system import System
from tests.workers import delete_topology, wait_until

pytestmark = pytest.mark.e2e

SITE_ZONE = ZoneInfo("America/Chicago")  # the demo site mpls
PLAN_TASKS = {"follow_up_appointment", "step_down_referral", "relapse_prevention_plan", "medication_handoff"}


@pytest.fixture(params=["embedded", "rabbitmq-with-broker-restart"])
def system(request, tmp_path, mongo_url, namespace):
    env = {}
    if request.param != "embedded":
        amqp_url = request.getfixturevalue("amqp_url")
        if not amqp_url.startswith("amqp://guest:guest@127.0.0.1:5672") or shutil.which("rabbitmqctl") is None:
            pytest.skip("the broker restart is injected on a local RabbitMQ with rabbitmqctl")
        env = {"IOP_MONGO_URL": mongo_url, "IOP_AMQP_URL": amqp_url, "IOP_BROKER_NAMESPACE": namespace}
    system = System(tmp_path / "var", env=env).start()
    system.restart_broker_after_discharge = request.param != "embedded"
    yield system
    system.stop()
    if env:  # leave nothing on the shared broker: its queues would keep their journal copies
        delete_topology(system.settings)


def ok(answer, status=200):
    assert answer.status_code == status, answer.text
    return answer.json()


def eventually(read, message, timeout=90):
    return wait_until(read, timeout=timeout, interval=0.5, message=message)


def test_completing_the_program_sets_the_whole_aftercare_machinery_in_motion(system):
    today = datetime.now(SITE_ZONE).date()
    group = ok(system.post("/scheduling/v1/groups", {
        "name": "Morning group", "program": "mh-adult", "modality": "group_therapy", "weekdays": ["mon", "wed", "fri"],
        "start_time": "09:00", "duration_minutes": 180, "capacity": 8}), 201)
    patient = ok(system.post("/intake/v1/patients", {"mrn": "FAN-1", "given_name": "Alex", "family_name": "Rivera",
                                                     "birth_date": "1990-04-12"}), 201)
    order = {"patient_id": patient["id"], "route": "oral", "frequency": "once daily", "prescriber": "Dr. Okafor",
             "start_date": (today - timedelta(days=50)).isoformat()}
    # Medication learns of the patient from intake's event: the first order may have to wait for it.
    kept = eventually(lambda: _created(system.post("/medication/v1/orders", {**order, "medication": "Sertraline",
                                                                             "dose": "50 mg"})),
                      "medication never learned of the patient")
    stopped = ok(system.post("/medication/v1/orders", {**order, "medication": "Hydroxyzine", "dose": "25 mg"}), 201)
    ok(system.post(f"/medication/v1/orders/{stopped['id']}/discontinue", {"reason": "no longer needed"}))
    enrollment = ok(system.post("/intake/v1/enrollments", {
        "patient_id": patient["id"], "program": "mh-adult", "start_date": (today - timedelta(days=56)).isoformat(),
        "planned_weeks": 10, "group_id": group["id"]}), 201)
    eventually(lambda: system.get(f"/scheduling/v1/enrollments/{enrollment['id']}/sessions").json(),
               "no schedule generated")

    ok(system.post(f"/intake/v1/enrollments/{enrollment['id']}/discharge", {
        "outcome": "completed", "discharge_date": today.isoformat(),
        "step_down": {"level_of_care": "outpatient_therapy"}}))
    if system.restart_broker_after_discharge:
        restart_local_rabbitmq()

    # A plan's tasks and its referral are documents of their own, written just after it: wait for them.
    [plan] = wait_until(lambda: [p for p in await_plans(system, enrollment["id"], timeout=120)
                                 if {task["kind"] for task in p["tasks"]} >= PLAN_TASKS and p["referrals"]],
                        timeout=60, message="plan without all its tasks and its referral")
    assert {task["kind"] for task in plan["tasks"]} == PLAN_TASKS
    assert [referral["level_of_care"] for referral in plan["referrals"]] == ["outpatient_therapy"]

    [follow_up] = eventually(lambda: system.get("/scheduling/v1/appointments", patient_id=patient["id"],
                                                kind="aftercare_follow_up").json(), "no follow-up booked")
    follow_up_day = datetime.fromisoformat(follow_up["starts_at"]).astimezone(SITE_ZONE).date()
    assert today < follow_up_day <= today + timedelta(days=7)
    assert follow_up_day.weekday() < 5

    [reconciliation] = eventually(lambda: system.get("/medication/v1/reconciliations",
                                                     enrollment_id=enrollment["id"]).json(), "no reconciliation")
    assert [(m["medication"], m["dose"]) for m in reconciliation["medications"]] == [("Sertraline", "50 mg")]
    assert kept["id"] == reconciliation["medications"][0]["order_id"]

    handoff = eventually(lambda: _task(system, enrollment["id"], "medication_handoff", "completed"),
                         "medication handoff not closed")
    assert handoff["reconciliation_id"] == reconciliation["id"]
    follow_up_task = eventually(lambda: _task(system, enrollment["id"], "follow_up_appointment", "open",
                                              with_appointment=True), "follow-up not tied to its task")
    assert follow_up_task["appointment"]["id"] == follow_up["id"]

    sessions = system.get(f"/scheduling/v1/enrollments/{enrollment['id']}/sessions", page_size=100).json()
    after_discharge = [s for s in sessions if _local_day(s["starts_at"]) > today]
    assert after_discharge and {s["status"] for s in after_discharge} == {"cancelled"}

    ok(system.post(f"/scheduling/v1/appointments/{follow_up['id']}/attendance", {"status": "attended"}))
    eventually(lambda: _task(system, enrollment["id"], "follow_up_appointment", "completed"),
               "attended follow-up did not close its task")
    plan = system.get(f"/aftercare/v1/plans/{plan['id']}").json()
    assert plan["follow_up"]["within_7"] is True


def _created(answer):
    return answer.json() if answer.status_code == 201 else None


def _task(system, enrollment_id, kind, status, with_appointment=False):
    tasks = system.get("/aftercare/v1/tasks", enrollment_id=enrollment_id, kind=kind, status=status).json()
    tasks = [task for task in tasks if task.get("appointment") or not with_appointment]
    return tasks[0] if tasks else None


def _local_day(instant: str) -> date:
    return datetime.fromisoformat(instant).astimezone(SITE_ZONE).date()
