"""Operations on a seeded network, the way an operator meets them: `iop seed`, `iop status`, a
journey, a dead letter shown, replayed to one service only and another discarded, metrics
scraped, JSON log lines read, the dashboard looked at in headless Chromium, and a second
`make run` beside the first that shares none of its data.

One system on embedded defaults (`make run`), seeded once for the whole module."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from shared.messaging.connection import broker_connection
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import Topology
from system import seed as seeding
from system.instance import running_instance
from system.services import SERVICES, subscriptions
from tests.backends import free_port
from tests.conftest import make_envelope
from tests.system import ROOT, System
from tests.workers import wait_until

pytestmark = pytest.mark.e2e

OPERATOR = {"Authorization": "Bearer demo-operator"}
SEED = 6


def iop(system, *words, timeout=240) -> subprocess.CompletedProcess:
    """The operators' command line, run as they run it: against the instance on this data folder."""
    env = {**system.env, "IOP_DATA_DIR": str(system.data_dir)}
    env.pop("IOP_HTTP_PORT", None)  # found in the instance file, as an operator's shell would
    answer = subprocess.run([sys.executable, "-m", "system.cli", *words], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    return answer


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("operations") / "var").start()
    try:
        system.seed_output = iop(system, "seed", "--sites", "2", "--patients", "10", "--seed", str(SEED)).stdout
        yield system
    finally:
        system.stop()


def test_seeding_makes_a_network_through_the_api_and_says_what_it_made(seeded):
    assert "seeding 10 patient(s) over mpls, stpaul with seed 6" in seeded.seed_output
    assert re.search(r"made: 2 sites, 6 groups, 10 patients, 20 assessments, \d+ enrollments", seeded.seed_output)
    census = seeded.get("/intake/v1/census", headers=OPERATOR).json()["sites"]
    assert sum(site["active"]["total"] for site in census) >= 1


def test_status_shows_every_service_ready_and_says_where_it_looks(seeded):
    output = iop(seeded, "status").stdout
    assert f"database: embedded MongoDB stand-in {seeded.settings.mongo_url}" in output
    assert f"broker:   embedded broker (kombu filesystem transport) in {seeded.data_dir / 'broker'}" in output
    assert output.splitlines()[-1].startswith(f"{len(SERVICES)} of {len(SERVICES)} services ready; no dead letters")


def test_a_journey_follows_a_completed_enrollment_through_every_service(seeded):
    [enrollment] = seeded.get("/intake/v1/enrollments", status="completed", page_size=1).json()
    steps = json.loads(wait_until(lambda: _settled_journey(seeded, enrollment["id"]), timeout=60,
                                  message="the completion's journey did not settle"))
    completed = next(step for step in steps if step["event_type"] == "intake.enrollment.completed")
    assert completed["producer"] == "intake" and completed["published_at"]
    assert {"scheduling", "medication", "aftercare"} <= set(completed["handled_by"])
    assert {"aftercare.plan.created", "scheduling.appointment.booked"} <= {step["event_type"] for step in steps}
    assert "no event found for nobody" in iop(seeded, "journey", "nobody").stdout


def _settled_journey(system, enrollment_id):
    output = iop(system, "journey", enrollment_id, "--json").stdout
    return output if not any(step["awaited_by"] for step in json.loads(output)) else None


def test_a_dead_letter_is_shown_replayed_to_its_own_service_only_and_another_discarded(seeded):
    settings = seeded.settings
    event = make_envelope("intake.patient.registered", {"patient_id": str(uuid.uuid4())}, site_id="mpls")
    letter_id = _dead_letter(settings, "medication", event)
    assert letter_id in iop(seeded, "dead-letters", "list").stdout
    shown = iop(seeded, "dead-letters", "show", letter_id).stdout
    assert '"reason": "handler failed: a test outage"' in shown and event["event_id"] in shown

    assert f"would be replayed: {letter_id}" in iop(seeded, "dead-letters", "replay", letter_id, "--dry-run").stdout
    replayed = iop(seeded, "dead-letters", "replay", letter_id).stdout
    assert f"replayed: {letter_id} (medication, intake.patient.registered) to iop.medication.events only" in replayed
    wait_until(lambda: _handled_by(settings, event["event_id"]) == {"medication"}, timeout=30,
               message="the replayed event was not handled by medication")
    others = {service for service, types in subscriptions().items() if event["event_type"] in types} - {"medication"}
    assert others, "another service subscribes to intake.patient.registered: the replay must pass it by"
    journey = json.loads(iop(seeded, "journey", event["correlation_id"], "--json").stdout)
    assert [(step["handled_by"].keys() == {"medication"}, sorted(step["awaited_by"])) for step in journey] == [
        (True, sorted(others))]

    _poison(settings, "medication")
    [poison] = wait_until(lambda: json.loads("[" + ",".join(
        iop(seeded, "dead-letters", "list", "--json").stdout.splitlines()) + "]"), timeout=30, message="no dead letter")
    assert "undecodable" in poison["reason"] or "invalid event" in poison["reason"]
    assert f"discarded: {poison['id']}" in iop(seeded, "dead-letters", "discard", poison["id"]).stdout
    assert "no dead letters in intake" in iop(seeded, "dead-letters", "list").stdout


def _dead_letter(settings, service: str, event: dict) -> str:
    """A message as the consumer dead-letters it after a handler kept failing."""
    letter_id = str(uuid.uuid4())
    publisher = EventPublisher(broker_connection(settings), Topology(settings.broker_namespace))
    try:
        publisher.publish_raw(Topology(settings.broker_namespace).dead_letter_exchange, service, json.dumps(event).encode(),
                              "application/json", "utf-8", {
                                  "event_type": event["event_type"], "site_id": event["site_id"],
                                  "x-iop-dead-letter-reason": "handler failed: a test outage",
                                  "x-iop-original-routing-key": event["event_type"], "x-iop-dead-letter-id": letter_id})
    finally:
        publisher.close()
    return letter_id


def _poison(settings, service: str) -> None:
    publisher = EventPublisher(broker_connection(settings), Topology(settings.broker_namespace))
    try:
        publisher.publish_raw("", Topology(settings.broker_namespace).service_queue(service).name, b"{not json",
                              "application/json", "utf-8", {})
    finally:
        publisher.close()


def _handled_by(settings, event_id: str) -> set[str]:
    from shared.database import service_database

    return {service for service in SERVICES if service_database(settings, service)["inbox"].find_one({"_id": event_id})}


def test_metrics_are_scraped_from_every_api_and_every_worker(seeded):
    for service in SERVICES:
        text = requests.get(f"{seeded.base_url}/{service}/metrics", timeout=10).text
        assert f'iop_http_request_duration_seconds_count{{method="GET",route="/readyz",service="{service}",status="200"}}' in text
    intake = requests.get(f"{seeded.base_url}/intake/metrics", timeout=10).text
    assert 'route="/v1/patients",service="intake",status="201"' in intake
    workers = json.loads((seeded.data_dir / "instance.json").read_text())["worker_metrics"]
    medication = requests.get(workers["medication"], timeout=10).text
    # An event is published by the process that wrote it (the API, right after its write), or by the
    # worker's relay when that failed: the counter may be in either process's metrics.
    medication_api = requests.get(f"{seeded.base_url}/medication/metrics", timeout=10).text
    assert 'iop_events_published_total{event_type="medication.order.created",service="medication"}' in (
        medication + medication_api)
    for series in ('iop_events_consumed_total{event_type="intake.patient.registered",service="medication"}',
                   'iop_outbox_backlog_events{service="medication"}', 'iop_queue_messages{queue="events",service="medication"}',
                   'iop_sweep_runs_total{outcome="succeeded",service="medication",sweep="outbox relay"}',
                   'iop_event_handling_delay_seconds_count'):
        assert series in medication


def test_log_lines_are_json_with_their_context_and_no_names_or_mrns(seeded):
    lines = [json.loads(line) for line in seeded.log.read_text().splitlines() if line.startswith("{")]
    assert len(lines) > 100
    for line in lines:
        assert {"ts", "level", "event", "service", "role", "site", "request_id", "correlation_id"} <= set(line), line
    access = [line for line in lines if line.get("logger") == "iop.access"]
    assert access and all(line["request_id"] and line["role"] == "api" for line in access)
    assert any(line["site"] == "stpaul" for line in access)
    text = seeded.log.read_text()
    assert f"S{SEED}-mpls-" not in text and not any(name in text for name in seeding.FAMILY)
    assert "demo-mpls-clinician" not in text and "demo-operator" not in text


SITE_KEYS = {"mpls": "demo-mpls-clinician", "stpaul": "demo-stpaul-clinician"}


def _task_counts(system) -> tuple[int, int, dict]:
    """Open (open or assigned) and overdue tasks over every site, and open and overdue per kind, read
    task by task from each site's own list: what the dashboard's task panel must show."""
    counted, kinds = Counter(), {}
    for site_id, key in SITE_KEYS.items():
        today = datetime.now(ZoneInfo("America/Chicago")).date().isoformat()  # both demo sites' zone
        for status in ("open", "assigned"):
            page, last = 1, 1
            while page <= last:
                answer = system.get("/aftercare/v1/tasks", headers={"Authorization": f"Bearer {key}"},
                                    status=status, page=page, page_size=100)
                assert answer.status_code == 200, answer.text
                for task in answer.json():
                    late = int(task["due_date"] < today)
                    counted.update(open=1, overdue=late)
                    kinds.setdefault(task["kind"], Counter()).update(open=1, overdue=late)
                last = json.loads(answer.headers["X-Pagination"])["total_pages"]
                page += 1
    return counted["open"], counted["overdue"], {kind: (c["open"], c["overdue"]) for kind, c in kinds.items()}


def _settled_task_counts(system) -> tuple[int, int, dict]:
    """The counts once the workers have stopped opening tasks for the seeded network."""
    def settled():
        first = _task_counts(system)
        time.sleep(1)
        return first if _task_counts(system) == first else None

    return wait_until(settled, timeout=60, message="the seeded network's tasks did not settle")


def test_the_dashboard_shows_charts_of_the_seeded_network_in_a_browser(seeded, tmp_path, chromium):
    page = f"{seeded.base_url}/dashboard/#key=demo-operator"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1500",
             "--virtual-time-budget=20000", f"--user-data-dir={tmp_path / 'profile'}"]
    open_tasks, overdue_tasks, kinds = _settled_task_counts(seeded)
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="true"' in dom, dom[-2000:]
    for chart in ("chart-census", "chart-discharges", "chart-follow-up", "chart-tasks", "chart-pipeline"):
        section = dom.split(f'id="{chart}"', 1)[1].split("</section>", 1)[0]
        assert "main-svg" in section, f"{chart} drew no chart"
    census = seeded.get("/intake/v1/census", headers=OPERATOR).json()["sites"]
    active = sum(site["active"]["total"] for site in census)
    assert f'id="kpi-active">{active}<' in dom
    assert 'id="kpi-dead-letters">0<' in dom
    # The tasks panel shows the seeded network's tasks, as the sites' own task lists count them.
    assert open_tasks > 0 and (open_tasks, overdue_tasks, kinds) == _task_counts(seeded)
    assert f'id="kpi-open-tasks">{open_tasks}<' in dom
    assert re.search(rf'id="kpi-overdue-tasks"[^>]*>{overdue_tasks}<', dom)
    for kind, (open_count, overdue_count) in kinds.items():
        assert re.search(rf'<tr data-kind="{kind}"><td>[^<]*</td><td>{open_count}</td><td[^>]*>{overdue_count}</td></tr>',
                         dom), f"tasks panel: {kind} is not shown as {open_count} open, {overdue_count} overdue"
    shot = tmp_path / "dashboard.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", page], capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000
    if os.environ.get("IOP_DASHBOARD_SCREENSHOT"):  # how docs/dashboard.png is made
        shutil.copy(shot, os.environ["IOP_DASHBOARD_SCREENSHOT"])


# -- two instances side by side ------------------------------------------------------------------

def test_a_second_instance_gets_its_own_database_and_sees_none_of_the_firsts_data(seeded, tmp_path):
    second = System(tmp_path / "var")
    second.env.pop("IOP_EMBEDDED_MONGO_PORT")  # as `make run` is started: the stand-in picks a free port
    second.start()
    try:
        assert seeded.post("/intake/v1/patients", {"mrn": "SIDE-1", "given_name": "Alex", "family_name": "Rivera",
                                                  "birth_date": "1990-04-12"}).status_code == 201
        assert second.get("/intake/v1/patients", mrn="SIDE-1").json() == []
        assert len(seeded.get("/intake/v1/patients", mrn="SIDE-1").json()) == 1
        assert running_instance(second.data_dir)["mongo_url"] != running_instance(seeded.data_dir)["mongo_url"]
    finally:
        second.stop()


def _supervisor(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "system.supervisor"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_a_second_supervisor_on_the_same_data_folder_is_refused_and_says_why(seeded):
    refused = _supervisor({**seeded.env, "IOP_HTTP_PORT": str(free_port())})
    assert refused.returncode == 2
    assert f"already uses the data folder {seeded.data_dir}" in refused.stderr
    assert f"pid {seeded.process.pid}" in refused.stderr


def test_a_pinned_database_port_that_another_instance_holds_is_refused(seeded, tmp_path):
    taken = seeded.env["IOP_EMBEDDED_MONGO_PORT"]
    refused = _supervisor({**seeded.env, "IOP_DATA_DIR": str(tmp_path / "var"), "IOP_HTTP_PORT": str(free_port()),
                           "IOP_EMBEDDED_MONGO_PORT": taken})
    assert refused.returncode == 2
    assert f"IOP_EMBEDDED_MONGO_PORT={taken} is taken" in refused.stderr
