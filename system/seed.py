"""Realistic data for demos, benchmarks and the dashboard, made through the public API only
(``iop seed --sites N --patients M --seed S``).

The plan is drawn from ``random.Random(seed)`` alone: the same seed gives the same network (the
same patients at the same stages, dates relative to the day it runs), and every POST carries an
``Idempotency-Key`` derived from the seed, so running it again changes nothing. Patients are
spread over the sites at every stage: referred (registered and assessed only), active, completed
and discharged with the other outcomes, with groups, assessments, attendance, medication orders,
adjustments and check-ins, follow-up visits and case-management work.

What the public API allows shapes what is seeded: a follow-up visit can be recorded only as
attended today, so discharges of the last 30 days can meet their follow-up window, older ones
are counted as missed; and tasks are completed for part of the older discharges, leaving the
rest open and overdue. Names are synthetic; no real person's data is ever made.
"""
import hashlib
import json
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import requests

PROGRAMS = ("mh-adult", "sud-adult", "adolescent")
OTHER_OUTCOMES = ("against_advice", "administrative", "transferred", "other")
STEP_DOWNS = {"mh-adult": ("outpatient_therapy", "psychiatry", "peer_support"),
              "sud-adult": ("outpatient_therapy", "mat", "peer_support"),
              "adolescent": ("outpatient_therapy", "psychiatry")}
MEDICATIONS = {"mh-adult": (("Sertraline", "50 mg", "100 mg"), ("Bupropion", "150 mg", "300 mg")),
               "sud-adult": (("Naltrexone", "50 mg", "100 mg"), ("Buprenorphine-naloxone", "8 mg", "12 mg")),
               "adolescent": (("Fluoxetine", "10 mg", "20 mg"),)}
GIVEN = ("Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Sage", "Emerson", "Hayden", "Parker", "Reese")
FAMILY = ("Lindqvist", "Okafor", "Nguyen", "Haddad", "Moreau", "Castillo", "Brandt", "Iverson", "Achebe", "Halvorsen")
SITE_IDS = ("mpls", "stpaul", "duluth", "rochester", "stcloud", "mankato", "bemidji", "winona", "moorhead", "brainerd")
STAGES = (("referred", 0.10), ("active", 0.35), ("completed", 0.35), ("discharged", 0.20))


@dataclass
class PatientPlan:
    number: int
    site_id: str
    stage: str
    program: str
    given_name: str
    family_name: str
    birth_date: date
    phq9: list[int]
    gad7: list[int]
    start_date: date | None = None
    discharge_date: date | None = None
    outcome: str | None = None
    step_down: str | None = None
    attendance: list[str] = field(default_factory=list)
    medication: tuple | None = None
    adjust: bool = False
    side_effect: str | None = None
    attend_follow_up: bool = False
    complete_tasks: bool = False


def _scores(rng: random.Random, items: int, level: int, item9: int = 0) -> list[int]:
    scores = [min(3, max(0, int(rng.gauss(level, 0.8)))) for _ in range(items)]
    if items == 9:
        scores[8] = item9
    return scores


def _discharge_day(rng: random.Random, today: date) -> date:
    """A third in the last week, a third in the last month, the rest in the four months before."""
    band = rng.random()
    days = rng.randint(1, 6) if band < 0.3 else rng.randint(8, 29) if band < 0.6 else rng.randint(31, 120)
    return today - timedelta(days=days)


def plan_patient(rng: random.Random, number: int, site_id: str, today: date) -> PatientPlan:
    stage = rng.choices([name for name, _ in STAGES], [weight for _, weight in STAGES])[0]
    program = rng.choices(PROGRAMS, (5, 4, 1))[0]
    age = rng.randint(13, 17) if program == "adolescent" else rng.randint(19, 70)
    plan = PatientPlan(number, site_id, stage, program, rng.choice(GIVEN), rng.choice(FAMILY),
                       today - timedelta(days=365 * age + rng.randint(0, 364)),
                       _scores(rng, 9, 2, item9=1 if rng.random() < 0.06 else 0), _scores(rng, 7, 2))
    if stage == "referred":
        return plan
    if stage == "active":
        plan.start_date = today - timedelta(days=rng.randint(3, 55))
    else:
        plan.discharge_date = _discharge_day(rng, today)
        weeks = rng.randint(8, 12) if stage == "completed" else rng.randint(2, 6)
        plan.start_date = plan.discharge_date - timedelta(weeks=weeks)
        plan.outcome = "completed" if stage == "completed" else rng.choice(OTHER_OUTCOMES)
        plan.step_down = rng.choice(STEP_DOWNS[program]) if stage == "completed" else None
        recent = (today - plan.discharge_date).days <= 30
        plan.attend_follow_up = stage == "completed" and recent and rng.random() < 0.75
        plan.complete_tasks = not recent and rng.random() < 0.6
    plan.attendance = rng.choices(("present", "absent", "excused"), (82, 12, 6), k=6)
    if rng.random() < 0.6:
        plan.medication = rng.choice(MEDICATIONS[program])
        plan.adjust = rng.random() < 0.3
        plan.side_effect = rng.choices((None, "mild", "moderate", "severe"), (60, 25, 10, 5))[0]
    return plan


def plan_network(site_ids: list[str], patients: int, seed: int, today: date) -> list[PatientPlan]:
    """Every patient's plan, the same for the same seed; patients go round the sites in turn."""
    rng = random.Random(seed)
    return [plan_patient(rng, number, site_ids[number % len(site_ids)], today) for number in range(patients)]


# -- sites and keys -------------------------------------------------------------------------------

def demo_key(site_id: str) -> str:
    """The demo convention of the README: ``demo-<site>-clinician``."""
    return f"demo-{site_id}-clinician"


def sites_with_keys(sites, given: dict[str, str]) -> dict[str, str]:
    """The sites a key is known for: given on the command line, or the demo key when the sites
    file holds its digest."""
    found = {}
    for site in sites.all():
        key = given.get(site.id) or demo_key(site.id)
        principal = sites.authenticate(key)
        if principal is not None and principal.site_id == site.id:
            found[site.id] = key
    return found


def demo_sites_file(count: int) -> dict:
    """A sites file of ``count`` demo sites with the demo keys (``demo-<site>-clinician``, operator
    ``demo-operator``), for a network larger than the two sites of the default demo file."""
    ids = [SITE_IDS[i] if i < len(SITE_IDS) else f"site{i + 1:02d}" for i in range(count)]

    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    return {
        "sites": [{"id": site_id, "name": f"{site_id.title()} IOP", "timezone": "America/Chicago",
                   "api_keys": [{"sha256": digest(demo_key(site_id)), "role": "clinician",
                                 "label": f"{site_id} front-end"}]} for site_id in ids],
        "operators": [{"sha256": digest("demo-operator"), "label": "demo operator"}],
    }


def write_demo_sites_file(path: Path, count: int) -> None:
    Path(path).write_text(json.dumps(demo_sites_file(count), indent=2))


# -- running the plan through the API -------------------------------------------------------------

class SeedFailed(RuntimeError):
    """A call the seed needs was refused or never answered."""


class SiteClient:
    """Calls to the public API with one site's key; every POST carries an Idempotency-Key derived
    from the seed and the step, and busy or briefly missing answers are retried."""

    def __init__(self, base_url: str, key: str, seed: int, site_id: str, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"
        self.seed = seed
        self.site_id = site_id
        self.timeout = timeout

    def post(self, path: str, body: dict, step: str, retry_on: tuple[int, ...] = ()) -> dict:
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"iop-seed:{self.seed}:{self.site_id}:{step}"))
        return self._call("POST", path, retry_on, json=body, headers={"Idempotency-Key": key})

    def get(self, path: str, **params):
        return self._call("GET", path, (), params=params)

    def _call(self, method: str, path: str, retry_on: tuple[int, ...], **arguments):
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                answer = self.session.request(method, self.base_url + path, timeout=15, **arguments)
            except requests.RequestException as error:
                answer, failure = None, f"no answer ({type(error).__name__})"
            else:
                if answer.status_code < 300:
                    return answer.json()
                failure = f"{answer.status_code} {answer.text[:300]}"
            transient = answer is None or answer.status_code in (409, 429, 502, 503, 504, *retry_on)
            if not transient or time.monotonic() > deadline:
                raise SeedFailed(f"{method} {path}: {failure}")
            time.sleep(0.3)

    def wait_for(self, read, what: str):
        """Poll ``read`` until it returns something: work another service does on an event."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            found = read()
            if found:
                return found
            time.sleep(0.25)
        raise SeedFailed(f"{what}: not there after {self.timeout:.0f}s")


def make_groups(client: SiteClient) -> dict[str, str]:
    """One group per program at the site; returns their ids by program."""
    groups = {}
    for program in PROGRAMS:
        weekdays = ["tue", "thu"] if program == "adolescent" else ["mon", "wed", "fri"]
        group = client.post("/scheduling/v1/groups", {
            "name": f"{program} group", "program": program, "modality": "group_therapy", "weekdays": weekdays,
            "start_time": "15:30" if program == "adolescent" else "09:00", "duration_minutes": 180,
            "capacity": 60}, step=f"group:{program}")
        groups[program] = group["id"]
    return groups


def seed_patient(client: SiteClient, plan: PatientPlan, groups: dict[str, str], today: date, seed: int) -> dict:
    """Everything the plan says about one patient, through the API; returns what was made."""
    step = f"patient:{plan.number}"
    patient = client.post("/intake/v1/patients", {
        "mrn": f"S{seed}-{plan.site_id}-{plan.number:05d}", "given_name": plan.given_name,
        "family_name": plan.family_name, "birth_date": plan.birth_date.isoformat()}, step=step)
    for instrument, scores in (("PHQ-9", plan.phq9), ("GAD-7", plan.gad7)):
        client.post(f"/intake/v1/patients/{patient['id']}/assessments", {"instrument": instrument, "item_scores": scores},
                    step=f"{step}:{instrument}")
    made = {"patients": 1, "assessments": 2}
    if plan.stage == "referred":
        return made
    enrollment = client.post("/intake/v1/enrollments", {
        "patient_id": patient["id"], "program": plan.program, "start_date": plan.start_date.isoformat(),
        "group_id": groups[plan.program]}, step=f"{step}:enrollment")
    made["enrollments"] = 1
    made["attendance"] = _take_attendance(client, plan, enrollment["id"], today, step)
    if plan.medication:
        made["medication_orders"] = _prescribe(client, plan, patient["id"], step)
    if plan.discharge_date:
        made.update(_discharge(client, plan, patient["id"], enrollment["id"], step))
    return made


def _take_attendance(client: SiteClient, plan: PatientPlan, enrollment_id: str, today: date, step: str) -> int:
    sessions = client.wait_for(lambda: _list(client, f"/scheduling/v1/enrollments/{enrollment_id}/sessions",
                                             page_size=100), "the schedule")
    last_day = min(today, plan.discharge_date or today)
    past = [s for s in sessions if s["local_date"] < last_day.isoformat()]
    chosen = past[::max(1, len(past) // len(plan.attendance))][:len(plan.attendance)] if past else []
    for number, (session, status) in enumerate(zip(chosen, plan.attendance)):
        client.post(f"/scheduling/v1/sessions/{session['id']}/attendance",
                    {"enrollment_id": enrollment_id, "status": status}, step=f"{step}:attendance:{number}")
    return len(chosen)


def _prescribe(client: SiteClient, plan: PatientPlan, patient_id: str, step: str) -> int:
    medication, dose, higher_dose = plan.medication
    # Medication learns of the patient from intake's event: 422 on patient_id until then.
    order = client.post("/medication/v1/orders", {
        "patient_id": patient_id, "medication": medication, "dose": dose, "route": "oral",
        "frequency": "once daily", "prescriber": "Dr. Seed", "start_date": plan.start_date.isoformat()},
        step=f"{step}:order", retry_on=(422,))
    if plan.adjust:
        client.post(f"/medication/v1/orders/{order['id']}/adjustments", {"dose": higher_dose, "reason": "partial response"},
                    step=f"{step}:adjustment")
    side_effects = [{"name": "nausea", "severity": plan.side_effect}] if plan.side_effect else []
    client.post("/medication/v1/check-ins", {"patient_id": patient_id, "adherence": "taken", "side_effects": side_effects},
                step=f"{step}:check-in")
    return 1


def _discharge(client: SiteClient, plan: PatientPlan, patient_id: str, enrollment_id: str, step: str) -> dict:
    body = {"outcome": plan.outcome, "discharge_date": plan.discharge_date.isoformat()}
    if plan.step_down:
        body["step_down"] = {"level_of_care": plan.step_down}
    client.post(f"/intake/v1/enrollments/{enrollment_id}/discharge", body, step=f"{step}:discharge")
    made = {"completions" if plan.outcome == "completed" else "other_discharges": 1}
    if plan.attend_follow_up:
        [appointment] = client.wait_for(lambda: _list(client, "/scheduling/v1/appointments", patient_id=patient_id,
                                                      kind="aftercare_follow_up"), "the follow-up appointment")
        client.post(f"/scheduling/v1/appointments/{appointment['id']}/attendance", {"status": "attended"},
                    step=f"{step}:follow-up")
        made["follow_up_visits"] = 1
    if plan.complete_tasks:
        tasks = client.wait_for(lambda: _list(client, "/aftercare/v1/tasks", enrollment_id=enrollment_id), "the plan's tasks")
        open_tasks = [task for task in tasks if task["status"] == "open"]
        for task in open_tasks[: (len(open_tasks) + 1) // 2]:
            client.post(f"/aftercare/v1/tasks/{task['id']}/complete", {}, step=f"{step}:task:{task['kind']}")
        made["tasks_completed"] = (len(open_tasks) + 1) // 2
    return made


def _list(client: SiteClient, path: str, **params) -> list:
    try:
        found = client.get(path, **params)
    except SeedFailed:
        return []
    return found if isinstance(found, list) else []


def run_seed(base_url: str, keys: dict[str, str], patients: int, seed: int, today: date | None = None,
             workers: int = 4, progress=None) -> dict:
    """Seed ``patients`` patients over the sites of ``keys`` (site id → clinician key); returns
    the totals made. ``progress(n)`` is told of each finished patient."""
    today = today or datetime.now().date()
    site_ids = sorted(keys)
    clients = {site_id: SiteClient(base_url, keys[site_id], seed, site_id) for site_id in site_ids}
    groups = {site_id: make_groups(client) for site_id, client in clients.items()}
    totals: dict[str, int] = {"sites": len(site_ids), "groups": len(site_ids) * len(PROGRAMS)}
    plans = plan_network(site_ids, patients, seed, today)
    with ThreadPoolExecutor(workers) as pool:
        running = [pool.submit(seed_patient, clients[plan.site_id], plan, groups[plan.site_id], today, seed)
                   for plan in plans]
        for finished in as_completed(running):
            for name, count in finished.result().items():
                totals[name] = totals.get(name, 0) + count
            if progress is not None:
                progress(1)
    return totals
