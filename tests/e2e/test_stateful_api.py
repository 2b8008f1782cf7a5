"""A hypothesis state machine driving one running system over HTTP (embedded defaults).

Rules: admit patients (into groups or not), take attendance on their sessions, edit groups,
reschedule and cancel follow-ups, complete or discharge with another outcome, send a discharge
twice (409), send a keyed POST again (the first answer, replayed), and SIGKILL a worker (the
supervisor starts it again). No answer is ever a 5xx. At the end of every run, once the system
has settled (polled): every completion has exactly one aftercare plan, one follow-up appointment
and one medication reconciliation; every other discharge one plan and one reconciliation; no
outbox entry is left and nothing was dead-lettered.

The system is started once for the module; each run uses patients of its own.

Embedded mode has no broker-side redelivery: a consumer SIGKILLed with messages taken and not
acked loses them (README, "Embedded mode is for development"). So a consumer (scheduling,
medication, aftercare) is killed once the system is quiet; intake's worker, which only relays
its outbox, is killed at any moment, between a publish and its outbox removal included.
"""
import os
import signal
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from tests.e2e.accounting import Discharge, dead_letters, downstream, expected, outbox_left, settle
from tests.system import CLINICIAN, System
from tests.workers import wait_until

pytestmark = pytest.mark.e2e

SITE_ZONE = ZoneInfo("America/Chicago")  # the demo site mpls
OTHER_OUTCOMES = ("against_advice", "administrative", "transferred", "other")
ATTENDANCE = ("present", "absent", "excused", "late")
CANCELLATION_REASONS = ("patient_request", "provider_unavailable", "rescheduled", "other")
CONSUMERS = ("scheduling", "medication", "aftercare")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
MAX_KILLS_PER_RUN = 2  # each kill of a consumer waits for the system to be quiet first


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("stateful") / "var").start()
    system.http = requests.Session()
    yield system
    system.stop()


group_changes = st.fixed_dictionaries({}, optional={
    "name": st.text(alphabet="ABCDEFGH ijk", min_size=1, max_size=20).filter(str.strip),
    "capacity": st.integers(1, 4),
    "weekdays": st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=5, unique=True),
    "start_time": st.sampled_from(["08:00", "09:30", "13:00", "17:45"]),
    "duration_minutes": st.sampled_from([60, 90, 120, 180]),
    "facilitator": st.sampled_from(["J. Okafor, LICSW", "R. Lind"]),
})


class ApiMachine(RuleBasedStateMachine):
    def __init__(self, system):
        super().__init__()
        self.system = system
        self.today = datetime.now(SITE_ZONE).date()
        self.groups: list[str] = []
        self.active: list[dict] = []
        self.discharges: list[Discharge] = []
        self.discharged: list[dict] = []  # the enrollments of self.discharges
        self.keyed: list[tuple] = []  # (path, body, key, status, answer body) of answered keyed POSTs
        self.kills = 0
        self.done: Counter = Counter()  # what the run actually did, printed at its end

    # -- HTTP: every answer is checked for a 5xx ---------------------------------------------------
    def call(self, method: str, path: str, body: dict | None = None, key: str | None = None, **params):
        headers = {**CLINICIAN, **({"Idempotency-Key": key} if key else {})}
        answer = self.system.http.request(method, self.system.base_url + path, json=body, params=params or None,
                                          headers=headers, timeout=30)
        assert answer.status_code < 500, f"{method} {path} answered {answer.status_code}: {answer.text[:500]}"
        return answer

    def keyed_post(self, path: str, body: dict, expect: int):
        key = uuid.uuid4().hex
        answer = self.call("POST", path, body, key=key)
        assert answer.status_code == expect, f"POST {path}: {answer.status_code} {answer.text[:500]}"
        self.keyed.append((path, body, key, answer.status_code, answer.json()))
        return answer.json()

    # -- rules -------------------------------------------------------------------------------------
    @initialize()
    def create_groups(self):
        for name in ("Morning group", "Evening group"):
            group = self.keyed_post("/scheduling/v1/groups", {
                "name": name, "program": "mh-adult", "modality": "group_therapy", "weekdays": ["mon", "wed", "fri"],
                "start_time": "09:00", "duration_minutes": 180, "capacity": 2}, 201)
            self.groups.append(group["id"])
        for group in (0, None):  # two patients from the start, so that every rule has something to act on
            self.admit(group, 30)

    @precondition(lambda self: len(self.active) < 4)
    @rule(group=st.none() | st.integers(0, 1), days_ago=st.integers(7, 60))
    def admit(self, group, days_ago):
        patient = self.keyed_post("/intake/v1/patients", {
            "mrn": f"SM-{uuid.uuid4().hex[:12]}", "given_name": "Alex", "family_name": "Rivera",
            "birth_date": "1990-04-12"}, 201)
        body = {"patient_id": patient["id"], "program": "mh-adult",
                "start_date": (self.today - timedelta(days=days_ago)).isoformat()}
        if group is not None:
            body["group_id"] = self.groups[group]
        self.active.append(self.keyed_post("/intake/v1/enrollments", body, 201))

    @precondition(lambda self: self.active or self.discharged)
    @rule(data=st.data(), status=st.sampled_from(ATTENDANCE))
    def record_attendance(self, data, status):
        enrollment = data.draw(st.sampled_from(self.active + self.discharged), label="enrollment")
        answer = self.call("GET", f"/scheduling/v1/enrollments/{enrollment['id']}/sessions")
        assert answer.status_code in (200, 404), answer.text  # 404 until scheduling has the admission
        sessions = answer.json() if answer.status_code == 200 else []
        if not sessions:
            return
        session = data.draw(st.sampled_from(sessions), label="session")
        answer = self.call("POST", f"/scheduling/v1/sessions/{session['id']}/attendance",
                           {"enrollment_id": enrollment["id"], "status": status})
        assert answer.status_code in (200, 409, 422), answer.text
        self.done[f"attendance {answer.status_code}"] += 1

    @rule(group=st.integers(0, 1), changes=group_changes)
    def edit_group(self, group, changes):
        answer = self.call("PATCH", f"/scheduling/v1/groups/{self.groups[group]}", changes)
        assert answer.status_code in (200, 409, 422), answer.text
        if answer.status_code == 200:
            assert all(answer.json()[name] == value for name, value in changes.items() if name != "weekdays")
        self.done[f"group edit {answer.status_code}"] += 1

    def follow_up_of(self, data) -> dict:
        """A completion's follow-up, once scheduling has booked it (polled)."""
        completed = [d for d in self.discharges if d.completed]
        discharge = data.draw(st.sampled_from(completed), label="completion")
        [appointment] = wait_until(lambda: self.call("GET", "/scheduling/v1/appointments", patient_id=discharge.patient_id,
                                                     kind="aftercare_follow_up").json(),
                                   timeout=60, interval=0.3, message="no follow-up booked")
        return appointment

    @precondition(lambda self: any(d.completed for d in self.discharges))
    @rule(data=st.data(), days=st.integers(1, 20), hour=st.integers(8, 17))
    def reschedule_follow_up(self, data, days, hour):
        appointment = self.follow_up_of(data)
        day = datetime.now(SITE_ZONE).date() + timedelta(days=days)
        starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=SITE_ZONE).astimezone(timezone.utc)
        answer = self.call("POST", f"/scheduling/v1/appointments/{appointment['id']}/reschedule",
                           {"starts_at": starts_at.isoformat()})
        assert answer.status_code in ((200,) if appointment["status"] == "booked" else (409,)), answer.text
        self.done[f"reschedule {answer.status_code}"] += 1

    @precondition(lambda self: any(d.completed for d in self.discharges))
    @rule(data=st.data(), reason=st.sampled_from(CANCELLATION_REASONS))
    def cancel_follow_up(self, data, reason):
        appointment = self.follow_up_of(data)
        answer = self.call("POST", f"/scheduling/v1/appointments/{appointment['id']}/cancel", {"reason": reason})
        assert answer.status_code in (200, 409), answer.text
        if answer.status_code == 200:
            assert answer.json()["status"] == "cancelled"
        self.done[f"cancel {answer.status_code}"] += 1

    def discharge(self, data, outcome: str):
        enrollment = data.draw(st.sampled_from(self.active), label="enrollment")
        start = datetime.fromisoformat(enrollment["start_date"]).date()
        on = start + timedelta(days=data.draw(st.integers(0, (self.today - start).days), label="days in"))
        answer = self.keyed_post(f"/intake/v1/enrollments/{enrollment['id']}/discharge",
                                 {"outcome": outcome, "discharge_date": on.isoformat()}, 200)
        assert answer["outcome"] == outcome
        self.active.remove(enrollment)
        self.discharged.append(enrollment)
        self.discharges.append(Discharge(enrollment["id"], enrollment["patient_id"], outcome))

    @precondition(lambda self: self.active)
    @rule(data=st.data())
    def complete(self, data):
        self.discharge(data, "completed")

    @precondition(lambda self: self.active)
    @rule(data=st.data(), outcome=st.sampled_from(OTHER_OUTCOMES))
    def discharge_otherwise(self, data, outcome):
        self.discharge(data, outcome)

    @precondition(lambda self: self.discharged)
    @rule(data=st.data(), outcome=st.sampled_from(("completed", *OTHER_OUTCOMES)))
    def discharge_again(self, data, outcome):
        enrollment = data.draw(st.sampled_from(self.discharged), label="enrollment")
        answer = self.call("POST", f"/intake/v1/enrollments/{enrollment['id']}/discharge",
                           {"outcome": outcome, "discharge_date": self.today.isoformat()})
        assert answer.status_code == 409, answer.text
        self.done["discharge again 409"] += 1

    @precondition(lambda self: self.keyed)
    @rule(data=st.data())
    def repeat_a_keyed_post(self, data):
        path, body, key, status, first = data.draw(st.sampled_from(self.keyed), label="keyed request")
        answer = self.call("POST", path, body, key=key)
        assert answer.headers.get("Idempotent-Replayed") == "true", (answer.status_code, answer.text)
        assert (answer.status_code, answer.json()) == (status, first)
        self.done["replayed"] += 1

    @precondition(lambda self: self.kills < MAX_KILLS_PER_RUN)
    @rule(service=st.sampled_from(("intake", *CONSUMERS)))
    def kill_a_worker(self, service):
        if service in CONSUMERS:
            wait_until(lambda: self.quiet(), timeout=60, interval=0.3, message="the system did not quieten")
        pid = wait_until(lambda: _worker_pid(self.system, service), timeout=30, interval=0.1,
                         message=f"no {service} worker running")
        os.kill(pid, signal.SIGKILL)
        self.kills += 1
        self.done[f"killed {service}"] += 1

    def quiet(self) -> bool:
        """Nothing waits in an outbox or a queue, and every discharge has its work done."""
        return (not any(outbox_left(self.system).values()) and not _queued_messages(self.system)
                and all(all(have >= expected(d)[kind] for kind, have in downstream(self.system, d).items())
                        for d in self.discharges))

    def teardown(self):
        settle(self.system, self.discharges, timeout=120)
        for discharge in self.discharges:
            assert downstream(self.system, discharge) == expected(discharge), discharge
        assert not any(outbox_left(self.system).values()), outbox_left(self.system)
        letters = {service: found for service, found in dead_letters(self.system).items() if found}
        assert not letters, letters
        print(f"[stateful] discharges={len(self.discharges)} completions={sum(d.completed for d in self.discharges)} "
              f"keyed={len(self.keyed)} {dict(self.done)}")


def _worker_pid(system, service: str) -> int | None:
    try:
        return system.worker_pid(service)
    except LookupError:
        return None


def _queued_messages(system) -> int:
    """Messages waiting in the embedded broker's queue folder (one file each)."""
    folder = system.data_dir / "broker" / "queues"
    return sum(1 for path in folder.glob("*.msg") if ".journal." not in path.name and "dead-letter" not in path.name)


def test_the_api_keeps_its_promises_whatever_the_sequence(system):
    run_state_machine_as_test(
        lambda: ApiMachine(system),
        settings=settings(max_examples=5, stateful_step_count=15, deadline=None, database=None,
                          phases=(Phase.explicit, Phase.generate),
                          suppress_health_check=list(HealthCheck)))
