"""One episode of care across the system, as processes, over HTTP only: a patient admitted to partial
hospitalization is diagnosed, steps down to the IOP without a discharge, and completes the program;
completing the last period is what starts aftercare."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from system.services import subscriptions
from tests.e2e.workflow import await_handled, await_plans, complete, register_and_admit
from tests.system import CLINICIAN, System

pytestmark = pytest.mark.e2e

SITE_ZONE = ZoneInfo("America/Chicago")  # the demo site mpls


@pytest.fixture
def embedded_system(tmp_path):
    system = System(tmp_path / "var").start()
    yield system
    system.stop()


def put(system, path: str, body: dict) -> requests.Response:
    return requests.put(system.base_url + path, json=body, headers=CLINICIAN, timeout=30)


def ok(answer, status=200):
    assert answer.status_code == status, answer.text
    return answer.json()


def test_php_admission_diagnoses_step_down_and_completion_make_one_aftercare_plan(embedded_system):
    system, today = embedded_system, datetime.now(SITE_ZONE).date()
    enrollment = register_and_admit(system, "EPISODE-1", start_date=(today - timedelta(days=21)).isoformat(),
                                    program="php-adult")
    assert (enrollment["level_of_care"], enrollment["planned_weeks"]) == ("2.5", 4)

    diagnosed = ok(put(system, f"/intake/v1/enrollments/{enrollment['id']}/diagnoses", {
        "diagnoses": [{"code": "F33.2", "rank": 1}, {"code": "F41.1", "rank": 2}]}))
    assert [d["code"] for d in diagnosed["diagnoses"]] == ["F33.2", "F41.1"]

    step_down_id = str(uuid.uuid4())
    stepped = ok(system.post(f"/intake/v1/enrollments/{enrollment['id']}/level-of-care", {
        "program": "mh-adult", "effective_date": (today - timedelta(days=7)).isoformat(),
        "reason": "Stable for two weeks."}, headers={"X-Request-ID": step_down_id}))
    assert (stepped["status"], stepped["program"], stepped["level_of_care"]) == ("active", "mh-adult", "2.1")
    assert [period["program"] for period in stepped["periods"]] == ["php-adult", "mh-adult"]
    consumers = tuple(sorted(service for service, types in subscriptions().items()
                             if "intake.level_of_care.changed" in types))
    if consumers:
        await_handled(system, step_down_id, "intake.level_of_care.changed", consumers)

    complete(system, enrollment["id"], discharge_date=today.isoformat(),
             step_down={"level_of_care": "outpatient_therapy"})
    [plan] = await_plans(system, enrollment["id"])
    assert (plan["enrollment_id"], plan["outcome"]) == (enrollment["id"], "completed")
    ended = ok(system.get(f"/intake/v1/enrollments/{enrollment['id']}"))
    assert (ended["status"], ended["program"], ended["diagnoses"][0]["code"]) == ("completed", "mh-adult", "F33.2")
    assert [period["end_date"] for period in ended["periods"]] == [
        (today - timedelta(days=8)).isoformat(), today.isoformat()]
