"""The referral packet a provider receives, looked at in a browser: the whole system as processes, a
substance-use patient with a consent, GET /aftercare/v1/referrals/{id}/packet opened in headless
Chromium (Debian's `chromium`), which asks for it with its own `Accept: text/html`.

A browser cannot be told to send `Authorization` on a navigation, so the test puts in front of the
system a small pass-through that adds the clinician's key (as a front-end's session would) and
forwards the browser's request and the system's answer otherwise unchanged: the page is negotiated,
rendered and held to its Content-Security-Policy exactly as the browser receives it.
"""
import http.server
import os
import re
import signal
import struct
import subprocess
import threading
import zlib
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.e2e.workflow import await_plans
from tests.system import CLINICIAN, System
from tests.workers import wait_until

pytestmark = pytest.mark.e2e

SITE_ZONE = ZoneInfo("America/Chicago")  # the demo site mpls
PROVIDER = "Lakeside Counseling Center, LLC"
PART_TITLES = {
    "patient": "Patient", "program": "Program", "diagnoses": "Diagnoses (ICD-10-CM)",
    "aftercare_plan": "Aftercare plan", "follow_up_appointment": "Follow-up appointment",
    "relapse_prevention_plan": "Relapse-prevention plan", "safety_plan": "Safety plan (Stanley-Brown)",
    "medications": "Medications at discharge (reconciled)", "stopped_medications": "Stopped during the program",
    "goals": "Goals carried over (treatment objectives not met)",
}
# Headers of the system's answer the browser must see as they are.
PASSED_ON = ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options")


@pytest.fixture(scope="module")
def system(chromium, tmp_path_factory):
    running = System(tmp_path_factory.mktemp("packet") / "var").start()
    yield running
    running.stop()


class KeyAddingProxy(http.server.ThreadingHTTPServer):
    """GETs to the system with the clinician's key added; remembers the Accept header each came with."""

    def __init__(self, target: str):
        self.target, self.accepts = target, []
        super().__init__(("127.0.0.1", 0), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        accept = self.headers.get("Accept", "")
        self.server.accepts.append((self.path, accept))
        answer = requests.get(self.server.target + self.path, headers={**CLINICIAN, "Accept": accept}, timeout=60)
        self.send_response(answer.status_code)
        for name in PASSED_ON:
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *args):  # keep the test's output to what fails
        pass


@pytest.fixture
def proxy(system):
    server = KeyAddingProxy(system.base_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=10)


def ok(answer, status=200):
    assert answer.status_code == status, answer.text
    return answer.json()


def eventually(read, message, timeout=90):
    return wait_until(read, timeout=timeout, interval=0.5, message=message)


def browser_flags(tmp_path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,3400",
            "--virtual-time-budget=5000", f"--user-data-dir={tmp_path / 'profile'}"]


def rendered(chromium, tmp_path, url: str) -> str:
    run = subprocess.run([chromium, *browser_flags(tmp_path), "--dump-dom", url], capture_output=True, text=True,
                         timeout=120)
    assert "<h1>" in run.stdout, run.stderr[-2000:]
    return run.stdout


def sections(dom: str) -> dict[str, str]:
    """The page's text under each part's heading, tags dropped, spacing collapsed."""
    body = dom.split("</h1>", 1)[1]
    found = {}
    for chunk in body.split("<h2>")[1:]:
        title, content = chunk.split("</h2>", 1)
        found[unescape(title).strip()] = " ".join(unescape(re.sub(r"<[^>]+>", " ", content)).split())
    return found


def text_of(dom: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", dom.split("<body", 1)[1])).split())


def a_substance_use_patient_with_a_consent(system, today) -> tuple[dict, dict]:
    """Admitted to the adult substance-use IOP eight weeks ago, diagnosed, two medication orders of
    which one was stopped, a safety plan, and a Part 2 consent to the patient's treating providers."""
    patient = ok(system.post("/intake/v1/patients", {"mrn": "PACKET-1", "given_name": "Alex", "family_name": "Rivera",
                                                     "birth_date": "1990-04-12"}), 201)
    start = today - timedelta(days=56)
    enrollment = ok(system.post("/intake/v1/enrollments", {"patient_id": patient["id"], "program": "sud-adult",
                                                           "start_date": start.isoformat()}), 201)
    ok(requests.put(f"{system.base_url}/intake/v1/enrollments/{enrollment['id']}/diagnoses", headers=CLINICIAN,
                    json={"diagnoses": [{"code": "F11.20", "rank": 1}, {"code": "F32.1", "rank": 2}]}, timeout=30))
    order = {"patient_id": patient["id"], "route": "sublingual", "frequency": "once daily", "prescriber": "Dr. Okafor",
             "start_date": (start + timedelta(days=1)).isoformat()}
    # Medication learns of the patient from intake's event: the first order may have to wait for it.
    eventually(lambda: system.post("/medication/v1/orders", {**order, "medication": "Buprenorphine",
                                                             "dose": "8 mg"}).status_code == 201,
               "medication never learned of the patient")
    stopped = ok(system.post("/medication/v1/orders", {**order, "medication": "Trazodone", "dose": "50 mg",
                                                       "route": "oral", "frequency": "nightly"}), 201)
    ok(system.post(f"/medication/v1/orders/{stopped['id']}/discontinue", {"reason": "next-day grogginess"}))
    ok(system.post(f"/intake/v1/patients/{patient['id']}/safety-plans", {
        "warning_signs": ["Not sleeping", "Pulling away from friends"],
        "internal_coping_strategies": ["Walk the dog"],
        "people_to_ask_for_help": [{"name": "Maria (sister)", "phone": "+1 612 555 0142"}],
        "environment_safety": {"means_discussed": ["medications"], "actions_agreed": ["Sister keeps the pills."],
                               "counselled_on": today.isoformat()},
        "reasons_for_living": ["My kids"]}), 201)
    ok(system.post(f"/intake/v1/patients/{patient['id']}/consents", {
        "scope": ["referral_packet"], "recipient_class": "tpo", "purpose": "treatment", "expiry_event": "none",
        "signature": {"signed_by": "patient", "signer": "patient", "signed_on": today.isoformat()}}), 201)
    return patient, enrollment


def test_the_packet_shows_every_part_and_the_notice_in_a_browser_and_a_missing_part_as_missing(
        system, proxy, chromium, tmp_path):
    today = datetime.now(SITE_ZONE).date()
    directory_entry = ok(system.post("/aftercare/v1/providers", {
        "name": PROVIDER, "npi": "9876543213", "levels_of_care": ["outpatient_therapy"]}), 201)
    patient, enrollment = a_substance_use_patient_with_a_consent(system, today)
    # Medication's worker held back: the discharge's reconciliation is not made yet, so the packet's
    # medication list cannot be read, as when that worker lags behind.
    medication_worker = system.worker_pid("medication")
    os.kill(medication_worker, signal.SIGSTOP)
    try:
        ok(system.post(f"/intake/v1/enrollments/{enrollment['id']}/discharge", {
            "outcome": "completed", "discharge_date": today.isoformat(),
            "step_down": {"level_of_care": "outpatient_therapy", "provider": "lakeside counseling center llc"}}))
        # The referral is a document of its own, written just after the plan and its tasks.
        [plan] = wait_until(lambda: [p for p in await_plans(system, enrollment["id"]) if p["referrals"]],
                            timeout=60, message="plan without its referral")
        [referral] = plan["referrals"]
        assert referral["provider_id"] == directory_entry["id"]
        packet_path = f"/aftercare/v1/referrals/{referral['id']}/packet"
        # The consent and the follow-up appointment reach aftercare and scheduling through their workers.
        eventually(lambda: system.get(packet_path).status_code == 200, "the consent never reached aftercare")
        eventually(lambda: system.get("/scheduling/v1/appointments", patient_id=patient["id"],
                                      kind="aftercare_follow_up").json(), "no follow-up appointment booked")
        lagging = rendered(chromium, tmp_path, proxy.url + packet_path)
    finally:
        os.kill(medication_worker, signal.SIGCONT)

    parts = sections(lagging)
    assert parts[PART_TITLES["medications"]].startswith("Missing: medication has not reconciled")
    assert "Some parts could not be read: medications." in text_of(lagging)
    assert 'class="missing"' in lagging.split(PART_TITLES["medications"], 1)[1]

    eventually(lambda: system.get("/medication/v1/reconciliations", enrollment_id=enrollment["id"]).json(),
               "medication never reconciled after its worker went on")
    dom = rendered(chromium, tmp_path, proxy.url + packet_path)
    assert proxy.accepts and all(accept.startswith("text/html") for _, accept in proxy.accepts)
    parts, text = sections(dom), text_of(dom)
    assert list(parts) == list(PART_TITLES.values())
    assert "Missing:" not in text and "Withheld:" not in text and "could not be read" not in text

    assert f"To: {PROVIDER} (NPI 9876543213)" in text
    assert "Notice (42 CFR part 2). This record which has been disclosed to you is protected by Federal " \
           "confidentiality rules (42 CFR part 2)." in text
    assert "Disclosed under consent" in text
    assert "Rivera, Alex · born 1990-04-12 · MRN PACKET-1" in parts["Patient"]
    start = (today - timedelta(days=56)).isoformat()
    assert f"{start} to {today.isoformat()}, outcome completed" in parts["Program"]
    assert "F11.20" in parts["Diagnoses (ICD-10-CM)"] and "(primary)" in parts["Diagnoses (ICD-10-CM)"]
    assert "F32.1" in parts["Diagnoses (ICD-10-CM)"]
    aftercare_plan = parts["Aftercare plan"]
    assert all(task in aftercare_plan for task in ("follow up appointment", "step down referral",
                                                    "relapse prevention plan", "medication handoff"))
    appointment = system.get("/scheduling/v1/appointments", patient_id=patient["id"],
                             kind="aftercare_follow_up").json()[0]
    assert appointment["starts_at"] in parts["Follow-up appointment"]
    assert parts["Relapse-prevention plan"] and parts["Relapse-prevention plan"] != "None recorded."
    safety_plan = parts[PART_TITLES["safety_plan"]]
    assert "1. Warning signs: Not sleeping; Pulling away from friends" in safety_plan
    assert "2. Internal coping strategies: Walk the dog" in safety_plan
    assert "Maria (sister), +1 612 555 0142" in safety_plan
    assert f"6. Making the environment safe (lethal-means counselling, {today.isoformat()})" in safety_plan
    assert "agreed: Sister keeps the pills." in safety_plan and "Reasons for living: My kids" in safety_plan
    assert "patient_id" not in safety_plan and "recorded by" not in safety_plan  # no raw fields of the record
    assert "Buprenorphine" in parts[PART_TITLES["medications"]]
    assert "Trazodone" not in parts[PART_TITLES["medications"]]
    assert "Trazodone 50 mg, stopped" in parts["Stopped during the program"]

    shot = tmp_path / "packet.png"
    subprocess.run([chromium, *browser_flags(tmp_path), f"--screenshot={shot}", proxy.url + packet_path],
                   capture_output=True, timeout=120)
    assert not blank(shot.read_bytes()), f"the screenshot {shot} shows nothing"


def blank(png: bytes) -> bool:
    """Whether a PNG holds one colour only. Its pixel rows (zlib-compressed in its IDAT chunks, each
    row behind a filter byte) hold a handful of byte values when nothing is drawn, and the many
    greys of anti-aliased text when a page is."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    data, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"IDAT":
            data += png[at + 8:at + 8 + length]
        at += 12 + length
    return len(set(zlib.decompress(data))) < 16
