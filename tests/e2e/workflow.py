"""The steps of the thin path, shared by the end-to-end and fault tiers."""
from tests.workers import wait_until


def register_and_admit(system, mrn: str, start_date: str = "2026-09-01", program: str = "mh-adult") -> dict:
    patient = system.post("/intake/v1/patients", {"mrn": mrn, "given_name": "Alex", "family_name": "Rivera",
                                                  "birth_date": "1990-04-12"})
    assert patient.status_code == 201, patient.text
    enrollment = system.post("/intake/v1/enrollments", {"patient_id": patient.json()["id"], "program": program,
                                                        "start_date": start_date})
    assert enrollment.status_code == 201, enrollment.text
    return enrollment.json()


def complete(system, enrollment_id: str, discharge_date: str = "2026-10-26", **extra) -> None:
    answer = system.post(f"/intake/v1/enrollments/{enrollment_id}/discharge",
                         {"outcome": "completed", "discharge_date": discharge_date, **extra})
    assert answer.status_code == 200, answer.text


def await_plans(system, enrollment_id: str, timeout: float = 60, interval: float = 0.5) -> list:
    def plans():
        answer = system.get("/aftercare/v1/plans", enrollment_id=enrollment_id)
        return answer.json() if answer.status_code == 200 and answer.json() else None

    return wait_until(plans, timeout=timeout, interval=interval, message="no aftercare plan")
