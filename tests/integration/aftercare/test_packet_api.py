"""The referral packet over HTTP, reading the other services' APIs with the caller's key: the real
intake, medication, scheduling and treatment apps mounted as the gateway mounts them (stand-ins for
the parts a service does not serve yet), served on 127.0.0.1, events carried between them by hand."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from flask import request

from shared import clock
from tests.conftest import CLINICIAN, OTHER_SITE, service_context
from tests.integration.aftercare.conftest import event
from tests.integration.aftercare.network import EventCarrier, serving, stand_in

SERVICES = ("intake", "medication", "scheduling", "treatment", "aftercare")


class Network:
    """Every service on the test database, their APIs, and aftercare reading the others through a URL."""

    def __init__(self, settings, sites):
        self.contexts = {name: service_context(name, settings, sites) for name in SERVICES}
        self.apps = {name: __import__(f"services.{name}.app", fromlist=["create_app"]).create_app(
            config={"TESTING": True}, context=self.contexts[name]) for name in SERVICES[:-1]}
        self.clients = {name: app.test_client() for name, app in self.apps.items()}
        self.carrier = EventCarrier(self.contexts)

    def aftercare(self, url, **config):
        from services.aftercare.app import create_app

        return create_app(config={"TESTING": True, "GATEWAY_URL": url, **config},
                          context=self.contexts["aftercare"]).test_client()

    def post(self, service, path, body, expect=(200, 201)):
        answer = self.clients[service].post(path, json=body, headers=CLINICIAN)
        assert answer.status_code in expect, answer.json
        return answer.json

    def a_substance_use_completion(self, family_name="Rivera"):
        """A patient through the adult substance-use IOP: admitted 2026-10-01, one order kept and one
        stopped during the program, completed yesterday with a step-down to outpatient therapy."""
        patient = self.post("intake", "/v1/patients", {"mrn": "MRN-2001", "given_name": "Alex",
                                                       "family_name": family_name, "birth_date": "1990-04-12"})
        enrollment = self.post("intake", "/v1/enrollments", {"patient_id": patient["id"], "program": "sud-adult",
                                                             "start_date": "2026-10-01"})
        self.carrier.carry()
        self.post("medication", "/v1/orders", {"patient_id": patient["id"], "medication": "Buprenorphine",
                                               "dose": "8 mg", "route": "sublingual", "frequency": "once daily",
                                               "prescriber": "Dr. Okafor", "start_date": "2026-10-02"})
        stopped = self.post("medication", "/v1/orders", {"patient_id": patient["id"], "medication": "Trazodone",
                                                         "dose": "50 mg", "route": "oral", "frequency": "nightly",
                                                         "prescriber": "Dr. Okafor", "start_date": "2026-10-02"})
        with clock.pinned(datetime(2026, 11, 10, 17, 0, tzinfo=timezone.utc)):
            self.post("medication", f"/v1/orders/{stopped['id']}/discontinue", {"reason": "next-day grogginess"})
        self.post("intake", f"/v1/enrollments/{enrollment['id']}/discharge", {
            "outcome": "completed", "discharge_date": "2026-11-25",
            "step_down": {"level_of_care": "outpatient_therapy", "provider": "npi:1234567893"}})
        self.carrier.carry()
        return patient, enrollment

    def consent(self, patient_id, scope=("referral_packet",)):
        """The patient's consent to disclose to their treating providers (the 2024 TPO class)."""
        grant = event("intake.consent.granted", {"consent_id": "con-1", "patient_id": patient_id, "scope": list(scope),
                                                 "recipient_id": None, "recipient_class": "tpo",
                                                 "purpose": "treatment", "expires_on": None, "expiry_event": "none"})
        self.contexts["aftercare"].handlers[grant.event_type](grant, self.contexts["aftercare"])

    def referral_of(self, client, enrollment_id):
        [plan] = client.get(f"/v1/plans?enrollment_id={enrollment_id}", headers=CLINICIAN).json
        return plan["referrals"][0]


@pytest.fixture
def network(settings, sites):
    return Network(settings, sites)


def mounted(network, **replacing):
    return {f"/{name}": app for name, app in {**network.apps, **replacing}.items() if app is not None}


def test_the_packet_reads_each_part_from_the_service_that_owns_it(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        referral = network.referral_of(aftercare, enrollment["id"])
        packet = aftercare.get(f"/v1/referrals/{referral['id']}/packet", headers=CLINICIAN).json
    parts = packet["parts"]
    assert (parts["patient"]["data"]["family_name"], parts["patient"]["data"]["mrn"]) == ("Rivera", "MRN-2001")
    assert (parts["program"]["data"]["start_date"], parts["program"]["data"]["discharge_date"]) == (
        "2026-10-01", "2026-11-25")
    assert [entry["medication"] for entry in parts["medications"]["data"]["medications"]] == ["Buprenorphine"]
    assert [order["medication"] for order in parts["stopped_medications"]["data"]] == ["Trazodone"]
    assert parts["follow_up_appointment"]["data"]["kind"] == "aftercare_follow_up"
    assert [section["key"] for section in parts["relapse_prevention_plan"]["data"]["sections"]][0] == "warning_signs"


def test_a_part_whose_service_cannot_be_read_is_marked_missing_with_why(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    with serving(mounted(network, medication=None)) as url:
        aftercare = network.aftercare(url)
        packet = aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                               headers=CLINICIAN).json
    assert packet["parts"]["medications"] == {"status": "missing", "reason": "medication answered 404"}
    assert {"part": "stopped_medications", "reason": "medication answered 404"} in packet["missing"]
    assert packet["parts"]["patient"]["status"] == "present"


def test_a_service_slower_than_the_timeout_leaves_its_part_missing_not_the_packet_waiting(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    slow = stand_in("scheduling", {"/v1/appointments": lambda: time.sleep(1.5) or []})
    with serving(mounted(network, scheduling=slow)) as url:
        aftercare = network.aftercare(url, GATEWAY_TIMEOUT=(0.5, 0.5))
        referral = network.referral_of(aftercare, enrollment["id"])
        started = time.monotonic()
        packet = aftercare.get(f"/v1/referrals/{referral['id']}/packet", headers=CLINICIAN).json
        waited = time.monotonic() - started
    assert packet["parts"]["follow_up_appointment"] == {"status": "missing",
                                                        "reason": "scheduling did not answer within 0.5 s"}
    assert waited < 1.4


def test_the_other_services_are_read_with_the_callers_own_key(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    seen = []
    spy = stand_in("treatment", {"/v1/discharge-summaries/<summary_id>": lambda: seen.append(
        request.headers.get("Authorization")) or {"objectives": []}})
    with serving(mounted(network, treatment=spy)) as url:
        aftercare = network.aftercare(url)
        aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                      headers={**CLINICIAN, "X-Actor": "staff:cm-17"})
    assert seen == [CLINICIAN["Authorization"]]


def test_diagnoses_safety_plan_and_carried_over_goals_come_from_intake_and_treatment(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    drafted = event("treatment.discharge_summary.drafted", {
        "summary_id": "sum-9", "enrollment_id": enrollment["id"], "patient_id": patient["id"], "plan_id": "tp-1",
        "objectives_met": 1, "objectives_not_met": 1, "unmet_objective_ids": ["obj-2"]},
        # After the summary the real treatment service drafted at the completion (stamped on the real clock).
        occurred_at=datetime.now(timezone.utc) + timedelta(days=1))
    network.contexts["aftercare"].handlers[drafted.event_type](drafted, network.contexts["aftercare"])
    enrollment_with_diagnoses = {**enrollment, "diagnoses": [{"code": "F32.1", "rank": 2}, {"code": "F11.20", "rank": 1}]}
    intake_parts = stand_in("intake", {
        f"/v1/enrollments/{enrollment['id']}": enrollment_with_diagnoses,
        f"/v1/patients/{patient['id']}": patient,
        f"/v1/patients/{patient['id']}/safety-plans": [{"version": 1, "warning_signs": ["isolating"]},
                                                       {"version": 2, "warning_signs": ["isolating", "cravings"]}]})
    treatment = stand_in("treatment", {"/v1/discharge-summaries/sum-9": {"objectives": [
        {"objective_id": "obj-2", "description": "Attends two peer meetings a week", "target_date": "2026-12-15",
         "measure": "attendance log", "progress": "progressing"}]}})
    with serving(mounted(network, intake=intake_parts, treatment=treatment)) as url:
        aftercare = network.aftercare(url)
        parts = aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                              headers=CLINICIAN).json["parts"]
    assert [diagnosis["code"] for diagnosis in parts["diagnoses"]["data"]] == ["F11.20", "F32.1"]
    assert parts["safety_plan"]["data"]["version"] == 2
    assert parts["goals"]["data"] == [{"objective_id": "obj-2", "description": "Attends two peer meetings a week",
                                       "target_date": "2026-12-15", "measure": "attendance log",
                                       "progress": "progressing"}]


def test_a_substance_use_packet_without_consent_is_refused_and_nothing_is_disclosed(network):
    patient, enrollment = network.a_substance_use_completion()
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        answer = aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                               headers=CLINICIAN)
        disclosures = aftercare.get(f"/v1/disclosures?patient_id={patient['id']}", headers=CLINICIAN).json
    assert (answer.status_code, answer.json["type"]) == (409, "https://iop-operations.example/problems/consent-required")
    assert disclosures == []


def test_a_substance_use_packet_carries_the_notice_and_the_consent_and_is_accounted_for(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        packet = aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                               headers={**CLINICIAN, "X-Actor": "staff:cm-17"}).json
        [disclosure] = aftercare.get(f"/v1/disclosures?patient_id={patient['id']}", headers=CLINICIAN).json
    assert packet["notice"]["text"].startswith("This record which has been disclosed to you is protected by Federal "
                                               "confidentiality rules (42 CFR part 2).")
    assert (packet["consent"]["consent_id"], disclosure["consent_id"], disclosure["id"]) == (
        "con-1", "con-1", packet["disclosure_id"])
    assert (disclosure["kind"], disclosure["by"], disclosure["on_behalf_of"], disclosure["recipient_name"]) == (
        "packet", "Minneapolis front-end", "staff:cm-17", "NPI 1234567893")
    assert {"patient", "program", "medications", "stopped_medications"} <= set(disclosure["what"])


def test_the_medication_list_view_holds_only_the_patient_the_program_and_the_medications(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        referral = network.referral_of(aftercare, enrollment["id"])
        packet = aftercare.get(f"/v1/referrals/{referral['id']}/packet?view=medication_list", headers=CLINICIAN).json
        [disclosure] = aftercare.get(f"/v1/disclosures?referral_id={referral['id']}", headers=CLINICIAN).json
    assert set(packet["parts"]) == {"patient", "program", "medications", "stopped_medications"}
    assert (disclosure["kind"], disclosure["what"]) == (
        "medication_list", ["patient", "program", "medications", "stopped_medications"])


def test_the_printable_page_is_html_with_every_value_escaped_and_loads_nothing(network):
    patient, enrollment = network.a_substance_use_completion(family_name="Rivera <script>alert(1)</script>")
    network.consent(patient["id"])
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        answer = aftercare.get(f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet",
                               headers={**CLINICIAN, "Accept": "text/html"})
    page = answer.get_data(as_text=True)
    assert (answer.status_code, answer.mimetype) == (200, "text/html")
    assert "Rivera &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "42 CFR part 2" in page and "Buprenorphine" in page and "Trazodone" in page
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")


def test_another_sites_referral_has_no_packet(network):
    patient, enrollment = network.a_substance_use_completion()
    network.consent(patient["id"])
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        referral = network.referral_of(aftercare, enrollment["id"])
        assert aftercare.get(f"/v1/referrals/{referral['id']}/packet", headers=OTHER_SITE).status_code == 404


def test_a_consent_recorded_in_intake_lets_the_packet_out_and_its_revocation_stops_the_next_one(network):
    patient, enrollment = network.a_substance_use_completion()
    consent = network.post("intake", f"/v1/patients/{patient['id']}/consents", {
        "scope": ["referral_packet"], "recipient_class": "tpo", "purpose": "treatment", "expiry_event": "none",
        "signature": {"signed_by": "patient", "signer": "patient", "signed_on": "2026-11-20"}})
    network.carrier.carry()
    with serving(mounted(network)) as url:
        aftercare = network.aftercare(url)
        path = f"/v1/referrals/{network.referral_of(aftercare, enrollment['id'])['id']}/packet"
        first = aftercare.get(path, headers=CLINICIAN)
        network.post("intake", f"/v1/consents/{consent['id']}/revoke", {})
        network.carrier.carry()
        second = aftercare.get(path, headers=CLINICIAN)
    assert (first.status_code, first.json["consent"]["consent_id"]) == (200, consent["id"])
    assert (second.status_code, second.json["type"]) == (409, "https://iop-operations.example/problems/consent-required")
