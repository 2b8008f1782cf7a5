"""The steps of the thin path, shared by the end-to-end and fault tiers."""
import uuid

from system.trace import trace
from tests.workers import wait_until


def register_and_admit(system, mrn: str, start_date: str = "2026-09-01", program: str = "mh-adult") -> dict:
    patient = system.post("/intake/v1/patients", {"mrn": mrn, "given_name": "Alex", "family_name": "Rivera",
                                                  "birth_date": "1990-04-12"})
    assert patient.status_code == 201, patient.text
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": program,
                                                        "start_date": start_date})
    assert enrollment.status_code == 201, enrollment.text
    return enrollment.json()


def complete(system, enrollment_id: str, discharge_date: str = "2026-10-26", **extra) -> str:
    """Discharge with outcome completed; returns the request id, which every event it causes carries."""
    request_id = str(uuid.uuid4())
    answer = system.post(f"/intake/v1/enrollments/{enrollment_id}/discharge",
                         {"outcome": "completed", "discharge_date": discharge_date, **extra},
                         headers={"X-Request-ID": request_id})
    assert answer.status_code == 200, answer.text
    return request_id


def await_handled(system, correlation_id: str, event_type: str, services: tuple[str, ...], count: int = 1,
                  timeout: float = 60) -> list[dict]:
    """Wait until each of ``services`` recorded ``count`` handlings of ``event_type`` in its inbox
    for this correlation: the consumers' own word that the work is done, instead of a sleep."""
    def handled():
        steps = [step for step in trace(system.settings, correlation_id) if step["event_type"] == event_type]
        done = all(sum(step["service"] == service for step in steps) >= count for service in services)
        return steps if done else None

    return wait_until(handled, timeout=timeout, interval=0.3, message=f"{event_type} not handled by {services}")


def await_plans(system, enrollment_id: str, timeout: float = 60, interval: float = 0.5) -> list:
    def plans():
        answer = system.get("/aftercare/v1/plans", enrollment_id=enrollment_id)
        return answer.json() if answer.status_code == 200 and answer.json() else None

    return wait_until(plans, timeout=timeout, interval=interval, message="no aftercare plan")
