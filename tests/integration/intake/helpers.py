"""Steps that many intake API tests take on the way to what they check."""
from datetime import date, timedelta

from shared.config import DEMO_SITES_FILE
from shared.sites import load_sites
from tests.conftest import CLINICIAN

SITES = load_sites(DEMO_SITES_FILE)


def site_today(site_id: str = "mpls") -> date:
    return SITES.get(site_id).today()


def days_ago(days: int, site_id: str = "mpls") -> str:
    return (site_today(site_id) - timedelta(days=days)).isoformat()


def register(intake, mrn="MRN-1", headers=CLINICIAN, **fields) -> str:
    body = {"mrn": mrn, "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12", **fields}
    answer = intake.post("/v1/patients", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def admit(intake, patient_id, start_date=None, program="mh-adult", headers=CLINICIAN, **fields) -> dict:
    body = {"patient_id": patient_id, "program": program, "start_date": start_date or days_ago(28), **fields}
    answer = intake.post("/v1/enrollments", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def discharge(intake, enrollment_id, outcome="completed", discharge_date=None, headers=CLINICIAN, **fields):
    body = {"outcome": outcome, "discharge_date": discharge_date or days_ago(0), **fields}
    return intake.post(f"/v1/enrollments/{enrollment_id}/discharge", json=body, headers=headers)
