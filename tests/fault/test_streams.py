"""Nothing accepted is lost: a stream of completions with a fault injected in its middle.

The whole system runs as processes on RabbitMQ (as a broker user of its own when the broker is
the local one, so that closing or refusing connections touches no other test run). Each scenario admits and
completes a stream of patients, injects its fault while the stream flows, waits (by polling) for
the system to settle, then prints and asserts its ledger: exactly one aftercare plan, one
follow-up appointment and one medication reconciliation per completion, no dead letter, no
outbox entry left.
"""
import json
import os
import signal
import threading
import time
import uuid
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import requests
from kombu import Queue

from shared.messaging.connection import broker_connection
from shared.observability import pending_outbox_events
from system.services import SERVICES, bootstrap
from tests.e2e.accounting import Discharge, assert_nothing_lost, outbox_left
from tests.fault.broker import (
    block_user,
    close_connections,
    connections,
    local_rabbitmq,
    own_user,
    restart_local_rabbitmq,
    unblock_user,
)
from tests.fault.stream import DISCHARGE_DATE, admit, complete, drive
from tests.system import System
from tests.workers import delete_topology, drain_queue, wait_until

pytestmark = pytest.mark.fault

CONSUMERS = ("scheduling", "medication", "aftercare")


@pytest.fixture(scope="module")
def system(tmp_path_factory, mongo_url, amqp_url):
    namespace = f"s{uuid.uuid4().hex[:12]}"
    user = f"iop-fault-{namespace}" if local_rabbitmq(amqp_url) else None
    with own_user(user) if user else nullcontext(amqp_url) as url:
        system = System(tmp_path_factory.mktemp("streams") / "var",
                        env={"IOP_MONGO_URL": mongo_url, "IOP_AMQP_URL": url, "IOP_BROKER_NAMESPACE": namespace})
        system.namespace, system.amqp_url, system.broker_user = namespace, url, user
        system.start()
        try:
            yield system
        finally:
            system.stop()
            delete_topology(system.settings)


def _needs_local_broker(system):
    if system.broker_user is None:
        pytest.skip("broker faults are injected on the local RabbitMQ with rabbitmqctl only")


# -- 1. the broker ------------------------------------------------------------------------------

def test_a_broker_restart_mid_stream_loses_nothing(system):
    _needs_local_broker(system)
    discharges, _ = drive(system, "RESTART", 12, restart_local_rabbitmq, pace=0.5)
    assert_nothing_lost(system, discharges, "broker restart", timeout=150)


def test_connections_closed_by_the_broker_mid_stream_lose_nothing(system):
    _needs_local_broker(system)

    def close_twice():
        closed = []
        for _ in range(2):
            # Each worker holds a consumer and a publisher connection: wait until they all are back.
            open_now = wait_until(lambda: len(connections(system.broker_user)) >= 2 * len(SERVICES) and
                                  connections(system.broker_user), timeout=60, interval=0.5,
                                  message="the workers did not reconnect")
            closed.append(len(open_now))
            close_connections(system.broker_user, "fault test")
            time.sleep(1.5)  # let the stream run into the closed connections
        return closed

    discharges, closed = drive(system, "CLOSE", 12, close_twice, pace=0.5)
    print(f"\n[connections closed] {closed}")
    assert_nothing_lost(system, discharges, "connections closed", timeout=150)


# -- 2. killed workers ------------------------------------------------------------------------

def test_consumers_killed_mid_stream_lose_nothing(system):
    """The consumers are frozen (SIGSTOP) while completions flow, so that the broker has delivered
    them messages they have not acked, then SIGKILLed: the broker gives those messages back and
    the workers the supervisor starts again handle them."""
    def kill_consumers():
        killed = [_running_worker(system, service) for service in CONSUMERS]
        for pid in killed:
            os.kill(pid, signal.SIGSTOP)
        time.sleep(2)  # completions keep flowing to the frozen consumers
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        for service in CONSUMERS:  # the supervisor starts them again, one after the other
            _running_worker(system, service, not_in=killed)
        return killed

    discharges, killed = drive(system, "KILL", 12, kill_consumers, pace=0.8)
    print(f"\n[consumers killed] {len(killed)} workers frozen 2 s, then SIGKILLed")
    assert_nothing_lost(system, discharges, "consumers killed", timeout=150)


def test_the_relay_killed_again_and_again_while_it_relays_loses_nothing(system, amqp_url):
    """The API publishes each event right after its write and leaves to intake's relay only what
    it could not publish. So, twice: the broker is made unreachable to this system (its broker
    user may not connect) while completions flow, and the API leaves their events in the
    outbox; the broker comes back, the relay starts on that backlog and is SIGKILLed in the middle
    of it: after its first publish, before the one update that removes what it published. An entry
    published but not removed is published again by the next relay, and the consumers absorb the
    duplicate."""
    _needs_local_broker(system)
    _drain_journal(system)

    def pending() -> int:
        return outbox_left(system, ("intake",))["intake"]

    journaled = []
    intake = bootstrap("intake", settings=system.settings)

    def backlog_events() -> list[dict]:
        return pending_outbox_events(intake.db, list(intake.store_class.OUTBOX_COLLECTIONS))

    def kill_while_relaying():
        rounds, killed = [], []
        for _ in range(2):
            relay = _running_worker(system, "intake", not_in=killed)
            wait_until(lambda: _connected(system, relay), timeout=60, interval=0.2, message="the relay did not connect")
            block_user(system.broker_user)
            try:
                backlog = wait_until(lambda: pending() >= 9 and pending(), timeout=60, interval=0.2,
                                     message="no backlog built up")
                # Nothing is published while the user is blocked: empty the journal (as another user),
                # so that its first message after the unblock is a publish of a backlog.
                journaled.extend(_drain_journal(system, as_url=amqp_url))
            finally:
                unblock_user(system.broker_user)
            # Kill as soon as the first event of the backlog is on the broker (only the relay publishes
            # those): it removes what it published in one update after its last publish, so the kill
            # lands before that update.
            _await_journaled(system, amqp_url, {event["event_id"] for event in backlog_events()}, journaled)
            os.kill(relay, signal.SIGKILL)
            killed.append(relay)
            rounds.append((backlog, pending()))
        return rounds

    discharges, rounds = drive(system, "RELAY", 10, kill_while_relaying, pace=1.2)
    counts = assert_nothing_lost(system, discharges, "relay killed", timeout=150)
    journal = journaled + _drain_journal(system)
    ids = [event["event_id"] for event in journal if event["producer"] == "intake"]
    print(f"[relay killed] outbox backlog when the relay started / left at each kill: {rounds}; intake events "
          f"journaled {len(ids)}, published twice {len(ids) - len(set(ids))}")
    assert any(left > 0 for _, left in rounds), "every kill landed after the relay had got through its backlog"
    # A kill between a publish and the removal shows as an event published again by the next relay.
    assert len(ids) > len(set(ids)), "every kill landed before the relay published or after it removed its backlog"
    assert counts["accepted"] >= 10


# -- 3. the API killed while it holds an Idempotency-Key ----------------------------------------

def test_the_api_killed_while_it_holds_an_idempotency_key(system):
    """A discharge is sent with an Idempotency-Key and the API's gunicorn worker is SIGKILLed while
    the key is claimed (in progress) and unanswered. The retry gets 409 with Retry-After while the
    claim's lease (60 s) runs, then takes the key over and gets a fresh answer; no answer that was
    never given is replayed, and the completion downstream still happens exactly once."""
    started = time.monotonic()
    discharges = [complete(system, admit(system, "API"), uuid.uuid4().hex) for _ in range(6)]
    probe = _kill_the_api_while_it_holds_a_key(system)
    discharges += probe.answered  # attempts the API answered before the kill landed
    _await_api(system, probe.killed_pid)

    again = _send(system, probe)
    assert again.status_code == 409, again.text
    assert again.headers["Content-Type"].startswith("application/problem+json")
    assert "in progress" in again.json()["detail"]
    # The lease's 60 s, which the per-key rate limiter (flask-limiter, headers on) rewrites as the
    # later of it and its own window's reset, in whole seconds from the moment it writes: 59 or 60.
    assert again.headers.get("Retry-After") in ("59", "60"), again.headers.get("Retry-After")
    assert "Idempotent-Replayed" not in again.headers

    discharges += [complete(system, admit(system, "API"), uuid.uuid4().hex) for _ in range(6)]

    def lease_over():
        answer = _send(system, probe)
        in_progress = answer.status_code == 409 and "in progress" in answer.json().get("detail", "")
        # In a list: a Response is falsy when its status is 4xx, and the fresh answer is a 409 when
        # the kill landed after the discharge was written (wait_until would keep polling past it).
        return None if in_progress else [answer]

    try:
        [fresh] = wait_until(lease_over, timeout=120, interval=2, message="the key stayed in progress")
    except AssertionError as error:  # say what the API saw: the stored claim and the time
        stored = bootstrap("intake", settings=system.settings).db["idempotency_keys"].find_one(
            {"_id": f"mpls:{probe.key}"})
        raise AssertionError(f"{error}; claim stored: {stored}; now {datetime.now(timezone.utc)}") from error
    waited = time.monotonic() - probe.claimed_at
    assert waited >= 59, f"the key was taken over after {waited:.0f}s, before its 60 s lease"
    assert "Idempotent-Replayed" not in fresh.headers, "an answer that was never given was replayed"
    enrollment = system.get(f"/intake/v1/enrollments/{probe.enrollment['id']}").json()
    if probe.status_at_kill == "active":
        assert fresh.status_code == 200, fresh.text
        assert fresh.json()["status"] == "completed"
    else:  # the kill landed after the discharge was written: the retry finds it discharged
        assert fresh.status_code == 409, fresh.text
        assert fresh.headers["Content-Type"].startswith("application/problem+json")
    assert enrollment["status"] == "completed"
    replayed = _send(system, probe)
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert (replayed.status_code, replayed.json()) == (fresh.status_code, fresh.json())
    discharges.append(Discharge(probe.enrollment["id"], probe.enrollment["patient_id"]))

    print(f"\n[api killed] enrollment {probe.status_at_kill} at the kill; retry taken over after "
          f"{waited:.0f}s with {fresh.status_code}; attempts before the kill landed {len(probe.answered)}")
    assert_nothing_lost(system, discharges, "api killed", timeout=120)
    print(f"[api killed] took {time.monotonic() - started:.0f}s")


class _Probe:
    """The discharge sent with a key while the API was killed, and what was seen of it."""

    enrollment: dict
    key: str
    body: str
    claimed_at: float
    killed_pid: int
    status_at_kill: str
    answered: list


def _send(system, probe, timeout: float = 30) -> requests.Response:
    return requests.post(f"{system.base_url}/intake/v1/enrollments/{probe.enrollment['id']}/discharge",
                         data=probe.body, timeout=timeout,
                         headers={"Authorization": "Bearer demo-mpls-clinician", "Content-Type": "application/json",
                                  "Idempotency-Key": probe.key})


def _kill_the_api_while_it_holds_a_key(system, attempts: int = 30) -> _Probe:
    """Send a discharge with a key and SIGKILL the API worker the moment the key is seen claimed
    and unanswered in intake's database. A request that got its answer first counts as accepted,
    and another patient is tried (30 times: on the threaded stand-in a discharge holds its key for
    a few milliseconds, and 8 tries once all missed)."""
    records = bootstrap("intake", settings=system.settings).db["idempotency_keys"]
    probe = _Probe()
    probe.answered = []
    for _ in range(attempts):
        probe.enrollment = admit(system, "API-PROBE")
        probe.key = uuid.uuid4().hex
        probe.body = json.dumps({"outcome": "completed", "discharge_date": DISCHARGE_DATE})
        [pid] = system.api_worker_pids()
        outcome = {}

        def send():
            try:
                outcome["answer"] = _send(system, probe)
            except requests.RequestException as error:
                outcome["error"] = error

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        record = None
        while sender.is_alive():
            record = records.find_one({"_id": f"mpls:{probe.key}"})
            if record is not None:
                break
        if record is not None and record["state"] == "in_progress":
            os.kill(pid, signal.SIGKILL)
            probe.claimed_at = time.monotonic()
            sender.join(30)
            if "answer" not in outcome:  # killed before any answer reached the client
                probe.killed_pid = pid
                probe.status_at_kill = _stored_status(system, probe.enrollment["id"])
                return probe
            _await_api(system, pid)
        sender.join(30)
        if outcome.get("answer") is not None and outcome["answer"].status_code == 200:
            probe.answered.append(Discharge(probe.enrollment["id"], probe.enrollment["patient_id"]))
    pytest.fail(f"no kill landed while the key was held in {attempts} attempts")


def _stored_status(system, enrollment_id: str) -> str:
    document = bootstrap("intake", settings=system.settings).db["enrollments"].find_one({"_id": enrollment_id})
    return document["status"]


def _await_api(system, killed_pid: int) -> None:
    def back():
        pids = system.api_worker_pids()
        if not pids or killed_pid in pids:
            return False
        try:
            return requests.get(f"{system.base_url}/intake/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(back, timeout=60, interval=0.3, message="the API worker did not come back")


# -- helpers --------------------------------------------------------------------------------------

def _running_worker(system, service: str, not_in=(), timeout: float = 30) -> int:
    """The pid of the service's worker once one runs that is not among ``not_in`` (killed ones)."""
    def running():
        try:
            pid = system.worker_pid(service)
        except LookupError:
            return None
        return pid if pid not in not_in else None

    return wait_until(running, timeout=timeout, interval=0.05, message=f"no new {service} worker")


def _connected(system, pid: int) -> bool:
    """Whether the process holds an established TCP connection to the broker's port 5672."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")}
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[2].endswith(":1628") and fields[3] == "01" and fields[9] in inodes:  # 5672, ESTABLISHED
                return True
    return False


def _await_journaled(system, as_url: str, event_ids: set, journaled: list, timeout: float = 60) -> None:
    """Take the journal's messages (kept in ``journaled``) until one of ``event_ids`` is among them."""
    with broker_connection(replace(system.settings, amqp_url=as_url)) as connection:
        queue = Queue(f"{system.namespace}.journal", channel=connection.channel(), no_declare=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is None:
                time.sleep(0.001)
                continue
            journaled.append(json.loads(message.body))
            if journaled[-1]["event_id"] in event_ids:
                return
    raise AssertionError(f"no event of the backlog was published within {timeout}s")


def _drain_journal(system, as_url: str | None = None) -> list[dict]:
    settings = replace(system.settings, amqp_url=as_url) if as_url else system.settings
    events = []
    while True:
        batch = drain_queue(settings, f"{system.namespace}.journal", timeout=1.5)
        if not batch:
            return events
        events += [json.loads(message.body) for message in batch]

