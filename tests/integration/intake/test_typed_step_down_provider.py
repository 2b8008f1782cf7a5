"""A step-down provider typed by a clinician at discharge, over HTTP: intake keeps the name and its
event carries only the name code (shared/provider_names.py), which aftercare resolves to the
directory entry of that name, or to a new one for staff to complete. Events carried by hand."""
import pytest

from services.intake.store import ENROLLMENTS
from shared.provider_names import name_code
from tests.conftest import CLINICIAN, pending_events, service_context
from tests.integration.aftercare.network import EventCarrier
from tests.integration.intake.helpers import admit, days_ago, discharge, register

TYPED = "Lakeside Counseling Center, LLC"


@pytest.fixture
def services(settings, sites):
    """Intake's and aftercare's APIs on the test database, and a carrier of the events between them."""
    contexts = {name: service_context(name, settings, sites) for name in ("intake", "aftercare")}
    clients = {name: __import__(f"services.{name}.app", fromlist=["create_app"]).create_app(
        config={"TESTING": True}, context=context).test_client() for name, context in contexts.items()}
    return clients, contexts, EventCarrier(contexts)


def discharged_to(services, provider: str, mrn: str) -> tuple[dict, dict]:
    """The answer to a completed discharge stepping down to ``provider``, and the event it wrote."""
    clients, contexts, carrier = services
    enrollment = admit(clients["intake"], register(clients["intake"], mrn=mrn), start_date=days_ago(56))
    answer = discharge(clients["intake"], enrollment["id"], "completed", days_ago(1),
                       step_down={"level_of_care": "outpatient_therapy", "provider": provider})
    assert answer.status_code == 200, answer.json
    [event] = [event for event in pending_events(contexts["intake"], ENROLLMENTS, "intake.enrollment.completed")
               if event["payload"]["enrollment_id"] == enrollment["id"]]
    carrier.carry()
    return answer.json, event


def step_down_referral(services, enrollment_id: str) -> dict:
    [plan] = services[0]["aftercare"].get(f"/v1/plans?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    return plan["referrals"][0]


def test_a_typed_name_is_kept_by_intake_and_its_event_carries_only_the_name_code(services):
    enrollment, event = discharged_to(services, f"  {TYPED} ", "MRN-T1")
    assert enrollment["discharge"]["step_down"] == {"level_of_care": "outpatient_therapy", "provider": TYPED}
    assert event["payload"]["step_down"] == {"level_of_care": "outpatient_therapy", "provider_id": name_code(TYPED)}
    assert "lakeside" not in str(event).lower()


def test_aftercares_referral_names_the_directory_entry_of_the_typed_name(services):
    clients = services[0]
    listed = clients["aftercare"].post("/v1/providers", headers=CLINICIAN, json={
        "name": "Lakeside Counseling Center LLC", "npi": "9876543213", "levels_of_care": ["outpatient_therapy"]})
    assert listed.status_code == 201, listed.json
    enrollment, _ = discharged_to(services, TYPED, "MRN-T2")
    referral = step_down_referral(services, enrollment["id"])
    assert referral["provider_id"] == listed.json["id"]
    assert len(clients["aftercare"].get("/v1/providers", headers=CLINICIAN).json) == 1


@pytest.mark.parametrize("typed", ["Clínica Señora de Guadalupe, S.C.", "Dr Jane Doe", "St. Mary's  Recovery"])
def test_an_unknown_typed_name_becomes_one_directory_entry_that_the_same_name_typed_again_finds(services, typed):
    clients = services[0]
    first, _ = discharged_to(services, typed, "MRN-T3")
    again, _ = discharged_to(services, typed.upper(), "MRN-T4")
    referrals = [step_down_referral(services, enrollment["id"]) for enrollment in (first, again)]
    [entry] = clients["aftercare"].get("/v1/providers", headers=CLINICIAN).json
    assert {referral["provider_id"] for referral in referrals} == {entry["id"]}
    # The placeholder gets its name when staff type it where aftercare keeps names: a further referral.
    made = clients["aftercare"].post("/v1/referrals", headers=CLINICIAN, json={
        "plan_id": referrals[0]["plan_id"], "level_of_care": "psychiatry", "provider_name": typed})
    assert (made.status_code, made.json["provider_id"]) == (201, entry["id"])
    named = clients["aftercare"].get(f"/v1/providers/{entry['id']}", headers=CLINICIAN).json
    assert named["name"] == " ".join(typed.split())


@pytest.mark.parametrize("provider", ["   ", "x" * 201, "Lakeside\nCounseling", 42, ["Lakeside"], ""])
def test_a_provider_that_is_no_name_is_422_on_step_down_provider(services, provider):
    clients, contexts, _ = services
    enrollment = admit(clients["intake"], register(clients["intake"], mrn="MRN-T5"))
    answer = discharge(clients["intake"], enrollment["id"], "completed",
                       step_down={"level_of_care": "outpatient_therapy", "provider": provider})
    assert (answer.status_code, answer.content_type) == (422, "application/problem+json")
    assert list(answer.json["errors"]) == ["step_down.provider"]
    assert pending_events(contexts["intake"], ENROLLMENTS, "intake.enrollment.completed") == []
