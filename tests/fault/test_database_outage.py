"""The database unreachable for a while, in the middle of a stream of completions.

The system runs on RabbitMQ and on a MongoDB stand-in of its own, which the test stops and starts
again on the same data folder and port. While it is down, every service's ``/readyz`` answers 503
naming the database, and API calls answer a clean problem+json 5xx within a bounded time (no hang,
no HTML). Once it is back, every completion accepted before the outage, and every one accepted
after it, ends with exactly one plan, one follow-up and one reconciliation; nothing dead-lettered.
"""
import os
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests

from shared.embedded.mongo import start_stand_in
from system.services import SERVICES
from tests.backends import free_port
from tests.e2e.accounting import Discharge, assert_nothing_lost, dead_letters, outbox_left
from tests.fault.failing_mongo import FailingMongo
from tests.fault.stream import DISCHARGE_DATE, admit, complete
from tests.system import CLINICIAN, System
from tests.workers import delete_topology, wait_until

pytestmark = pytest.mark.fault

# Long enough for every consumer to fail on the database more than once (each attempt waits out
# pymongo's 5 s server selection), short enough for the tier's time budget.
OUTAGE_SECONDS = 15
# The longest a call may take to fail while the database is down: pymongo's server selection
# (5 s) for each of a few operations, not gunicorn's 30 s worker timeout.
ANSWER_WITHIN_SECONDS = 15
# How long the database refuses every command in the dead-letter test; the consumers must ride it out.
FAILING_SECONDS = 45
FAN_OUT = ("scheduling", "medication", "aftercare")


class StandIn:
    """A MongoDB stand-in the test stops and starts again on the same folder and port."""

    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.url = f"mongodb://127.0.0.1:{port}"
        self.process = None

    def start(self):
        self.process = start_stand_in(self.folder, port=self.port)

    def ensure_running(self):
        if self.process is None or self.process.poll() is not None:
            self.start()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    stand_in = StandIn(tmp_path_factory.mktemp("database"), free_port())
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def system(tmp_path_factory, database, amqp_url):
    namespace = f"d{uuid.uuid4().hex[:12]}"
    system = System(tmp_path_factory.mktemp("outage") / "var", env={"IOP_MONGO_URL": database.url, "IOP_AMQP_URL": amqp_url,
                                           "IOP_BROKER_NAMESPACE": namespace}).start()
    yield system
    database.ensure_running()
    system.stop()
    delete_topology(system.settings)


@contextmanager
def consumers_frozen(system):
    """Every consumer's worker stopped (SIGSTOP) and let go (SIGCONT) after: events relayed
    meanwhile wait in their queues, so that the consumers meet the outage with work to do."""
    frozen = [system.worker_pid(service) for service in SERVICES if service != "intake"]
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)


def _timed(method, url, **arguments):
    started = time.monotonic()
    try:
        answer = requests.request(method, url, timeout=60, **arguments)
    except requests.RequestException as error:
        return error, time.monotonic() - started
    return answer, time.monotonic() - started


def _assert_clean_problem(answer, took, status_range=range(500, 600)):
    assert isinstance(answer, requests.Response), f"no answer: {answer!r}"
    assert answer.status_code in status_range, f"{answer.status_code}: {answer.text[:300]}"
    assert answer.headers["Content-Type"].startswith("application/problem+json"), answer.text[:300]
    body = answer.json()
    assert body["status"] == answer.status_code and body["title"], body
    assert took < ANSWER_WITHIN_SECONDS, f"took {took:.1f}s to answer"
    return body


def test_the_database_down_mid_stream_loses_nothing_and_answers_cleanly(system, database):
    database.ensure_running()
    waiting = [admit(system, "DB") for _ in range(6)]  # admitted now, completed after the outage
    with consumers_frozen(system):
        accepted = [complete(system, admit(system, "DB")) for _ in range(6)]
        wait_until(lambda: outbox_left(system)["intake"] == 0, timeout=30, message="intake did not relay")
        database.stop()
    outage_started = time.monotonic()
    key = uuid.uuid4().hex
    with ThreadPoolExecutor(8) as pool:
        ready = {service: pool.submit(_timed, "GET", f"{system.base_url}/{service}/readyz") for service in SERVICES}
        discharge = pool.submit(_timed, "POST", f"{system.base_url}/intake/v1/enrollments/{waiting[0]['id']}/discharge",
                                json={"outcome": "completed", "discharge_date": DISCHARGE_DATE},
                                headers={**CLINICIAN, "Idempotency-Key": key})
        listing = pool.submit(_timed, "GET", f"{system.base_url}/aftercare/v1/plans", headers=CLINICIAN)
        for service, future in ready.items():
            body = _assert_clean_problem(*future.result(), status_range=(503,))
            assert body["checks"] == {"database": "unavailable", "broker": "ok"}, (service, body)
            assert "database" in body["detail"], (service, body)
        refused = _assert_clean_problem(*discharge.result())
        listed = _assert_clean_problem(*listing.result())
    print(f"\n[database down] readyz 503 x{len(ready)}; discharge {refused['status']}; list {listed['status']}")

    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))  # the outage lasts
    database.start()
    print(f"[database down] for {time.monotonic() - outage_started:.0f}s")
    wait_until(system._all_ready, timeout=60, interval=0.5, message="the services did not get ready again")

    # The discharge refused during the outage changed nothing: the same key now runs it.
    again = system.post(f"/intake/v1/enrollments/{waiting[0]['id']}/discharge",
                        {"outcome": "completed", "discharge_date": DISCHARGE_DATE}, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers, again.text
    accepted.append(Discharge(waiting[0]["id"], waiting[0]["patient_id"]))
    accepted += [complete(system, enrollment) for enrollment in waiting[1:]]
    assert_nothing_lost(system, accepted, "database outage", timeout=150)


def test_a_database_refusing_commands_for_a_while_dead_letters_nothing(system, database):
    """One completion waits in every consumer's queue when the database starts refusing every
    command (ShutdownInProgress: a node shutting down or stepping down, a transient error pymongo
    raises as AutoReconnect) for FAILING_SECONDS. Every delivery attempt fails on the database
    within milliseconds; were those failures counted as attempts, the fifth would dead-letter the
    event and the completion would start no aftercare until an operator replayed it. They are not:
    the deliveries wait for the database and go back to their queues uncounted."""
    database.ensure_running()
    wait_until(system._all_ready, timeout=60, interval=0.5, message="the services are not ready")
    enrollment = admit(system, "DB-REFUSING")
    wait_until(lambda: system.get(f"/scheduling/v1/enrollments/{enrollment['id']}/sessions").status_code == 200
               and not any(outbox_left(system).values()), timeout=60, message="the admission was not handled")
    failing = FailingMongo(database.port)
    with consumers_frozen(system):
        accepted = [complete(system, enrollment)]
        wait_until(lambda: outbox_left(system)["intake"] == 0, timeout=30, message="intake did not relay")
        database.stop()
        failing.start()
    started = time.monotonic()
    try:
        def dead_lettered():  # by a service of the completion's fan-out: its plan, follow-up or reconciliation
            found = {service: letters for service, letters in dead_letters(system).items() if letters}
            return (found if set(found) & set(FAN_OUT) else None) or time.monotonic() - started > FAILING_SECONDS

        found = wait_until(dead_lettered, timeout=FAILING_SECONDS + 30, interval=1, message="never")
        took = time.monotonic() - started
    finally:
        failing.stop()
        database.start()
    letters = {} if found is True else {service: [letter["routing_key"] for letter in found_letters]
                                         for service, found_letters in found.items()}
    print(f"\n[database refusing] {took:.0f}s; dead letters: {letters}")
    assert found is True, f"dead-lettered after {took:.0f}s of database errors: {letters}"
    wait_until(system._all_ready, timeout=60, interval=0.5, message="the services did not get ready again")
    assert_nothing_lost(system, accepted, "database refusing", timeout=60)
