"""A client nobody here wrote: openapi-python-client generates Python clients from the services'
specs, and they drive the completion journey against the running system, error bodies included
(issue 13: "a client generated from the specs loses every error body")."""
import importlib
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from tests.system import System
from tests.workers import wait_until

pytestmark = pytest.mark.e2e

CLIENTS = ("intake", "scheduling", "medication", "aftercare")
KEY = "demo-mpls-clinician"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    running = System(tmp_path_factory.mktemp("generated") / "var").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def clients(system, tmp_path_factory):
    """One generated package per service, importable as <service>_client."""
    folder = tmp_path_factory.mktemp("clients")
    tools = str(Path(sys.executable).parent)
    for service in CLIENTS:
        spec = folder / f"{service}.json"
        spec.write_text(requests.get(f"{system.base_url}/{service}/openapi.json", timeout=10).text)
        run = subprocess.run([os.path.join(tools, "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
                              "--output-path", str(folder / f"{service}_client")],
                             capture_output=True, text=True, timeout=120, env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"})
        assert run.returncode == 0 and "Warning" not in run.stdout, run.stdout + run.stderr
    sys.path.insert(0, str(folder))
    yield {service: importlib.import_module(f"{service}_client") for service in CLIENTS}
    sys.path.remove(str(folder))


def authenticated(package, system, service):
    return package.AuthenticatedClient(base_url=f"{system.base_url}/{service}", token=KEY)


def test_a_generated_client_completes_an_iop_and_reads_the_fan_out(clients, system):
    intake = authenticated(clients["intake"], system, "intake")
    models = importlib.import_module("intake_client.models")
    from intake_client.api.enrollments import enrollments_admit, enrollments_discharge
    from intake_client.api.patients import patients_register_patient

    mrn = f"GEN-{uuid.uuid4().hex[:8]}"
    patient = patients_register_patient.sync(client=intake, body=models.PatientCreate(
        mrn=mrn, given_name="Alex", family_name="Rivera", birth_date=date(1990, 4, 12)))
    start = date.today() - timedelta(weeks=8)
    enrollment = enrollments_admit.sync(client=intake, body=models.EnrollmentCreate(
        patient_id=patient.id, program="mh-adult", start_date=start))
    discharged = enrollments_discharge.sync(enrollment.id, client=intake, body=models.Discharge(
        outcome=models.DischargeOutcome("completed"), discharge_date=date.today() - timedelta(days=1)))
    assert discharged.status == "completed"

    aftercare = authenticated(clients["aftercare"], system, "aftercare")
    from aftercare_client.api.plans import plans_list_plans
    expected = {"follow_up_appointment", "medication_handoff"}

    def plan_with_its_tasks():
        # The plan is written first and its tasks (documents of their own) just after: wait for both.
        plans = plans_list_plans.sync(client=aftercare, enrollment_id=enrollment.id)
        return plans if plans and {task.kind for task in plans[0].tasks} >= expected else None

    [plan] = wait_until(plan_with_its_tasks, timeout=60, message="no plan with its tasks through the generated client")
    assert {task.kind for task in plan.tasks} >= expected


def test_a_generated_client_reads_error_bodies_as_problems(clients, system):
    intake = authenticated(clients["intake"], system, "intake")
    models = importlib.import_module("intake_client.models")
    from intake_client.api.patients import patients_get_patient, patients_register_patient

    body = models.PatientCreate(mrn=f"GEN-{uuid.uuid4().hex[:8]}", given_name="Sam", family_name="Lee",
                                birth_date=date(1985, 1, 2))
    patients_register_patient.sync(client=intake, body=body)
    conflict = patients_register_patient.sync_detailed(client=intake, body=body)
    missing = patients_get_patient.sync_detailed(str(uuid.uuid4()), client=intake)
    assert (conflict.status_code, type(conflict.parsed).__name__, conflict.parsed.status) == (409, "Problem", 409)
    assert (missing.status_code, type(missing.parsed).__name__) == (404, "Problem")
