"""The treatment journey across the system, as processes, over HTTP: a patient is admitted to the IOP
with diagnoses; the treatment plan is drafted from them, written, signed by every required role and
locked; a group meeting attended by two patients opens one note per attendee sharing the group's
narrative; a signed note refuses edits and takes an addendum; the plan is reviewed; completing the
program makes treatment draft the discharge summary, and the aftercare plan refers to the summary
and carries its unmet objectives as goals. Another site's key finds none of it.

Overdue notes and plans becoming aftercare tasks need the treatment worker's sweep, which runs
every few minutes: the second test runs that same sweep function against the system's database,
and the running workers carry its events the rest of the way."""
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from services.treatment.use_cases.sweeps import sweep_overdue_notes, sweep_plans_due
from system.services import bootstrap
from tests.e2e.workflow import await_handled, complete
from tests.system import CLINICIAN, System
from tests.workers import wait_until

pytestmark = pytest.mark.e2e

SITE_ZONE = ZoneInfo("America/Chicago")  # the demo site mpls
OTHER_SITE = {"Authorization": "Bearer demo-stpaul-clinician"}
DIAGNOSES = [{"code": "F33.1", "rank": 1}, {"code": "F41.1", "rank": 2}]
FORM_SECTIONS = {"data": "Shared a thought record; named two triggers.", "assessment": "Engaged, mood brighter.",
                 "plan": "Practise the breathing skill daily."}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    running = System(tmp_path_factory.mktemp("treatment") / "var").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def today():
    return datetime.now(SITE_ZONE).date()


def call(system, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> requests.Response:
    return requests.request(method, system.base_url + path, json=body, headers={**CLINICIAN, **(headers or {})},
                            timeout=10)


def ok(answer: requests.Response, status: int = 200):
    assert answer.status_code == status, f"{answer.request.method} {answer.request.url}: {answer.text}"
    return answer.json()


def eventually(read, message: str, timeout: float = 60):
    return wait_until(read, timeout=timeout, interval=0.3, message=message)


def test_admission_to_aftercare_through_plan_notes_review_and_summary(system, today):
    group = ok(system.post("/scheduling/v1/groups", {
        "name": "Skills group", "program": "mh-adult", "modality": "group_therapy",
        "weekdays": ["mon", "tue", "wed", "thu", "fri"], "start_time": "09:00", "duration_minutes": 180,
        "capacity": 8}), 201)
    start = (today - timedelta(days=14)).isoformat()
    alex = admit(system, "TREAT-A", start, group["id"])
    blair = admit(system, "TREAT-B", start, group["id"])

    plan = draft_plan(system, alex, DIAGNOSES)
    plan, objectives = write_plan(system, plan)
    plan = sign_plan(system, plan)

    meeting_id, notes = attend_group_meeting(system, today, [alex, blair], group["id"])
    narrative = "Topic: cognitive distortions; worked through thought records in pairs."
    shared = ok(call(system, "PUT", f"/treatment/v1/group-sessions/{meeting_id}", {"narrative": narrative}))
    assert sorted(shared["note_ids"]) == sorted(note["id"] for note in notes.values())
    for note in notes.values():
        assert ok(system.get(f"/treatment/v1/notes/{note['id']}"))["group_narrative"] == narrative
    signed = sign_note_then_amend(system, notes[alex["id"]]["id"], objectives[0], narrative)
    draft = notes[blair["id"]]["id"]
    assert ok(system.get(f"/treatment/v1/notes/{draft}"))["status"] == "draft"
    assert system.post(f"/treatment/v1/notes/{draft}/addenda", {"text": "Too early.", "signer": "staff-0042"}
                       ).status_code == 409

    reviewed = ok(system.post(f"/treatment/v1/plans/{plan['id']}/reviews", {
        "progress": [{"objective_id": objectives[0], "status": "met"},
                     {"objective_id": objectives[1], "status": "progressing"}], "reviewer": "staff-0042"}), 201)
    assert [review["progress"] for review in reviewed["reviews"]] == [[
        {"objective_id": objectives[0], "status": "met", "comment": None},
        {"objective_id": objectives[1], "status": "progressing", "comment": None}]]

    complete(system, alex["id"], discharge_date=today.isoformat(), step_down={"level_of_care": "outpatient_therapy"})
    summary = await_summary(system, alex["id"])
    assert (summary["outcome"], summary["plan_id"], summary["plan_status"]) == ("completed", plan["id"], "active")
    assert (summary["met_objective_ids"], summary["unmet_objective_ids"]) == ([objectives[0]], [objectives[1]])
    assert summary["signed_note_count"] == 1
    assert [problem["diagnosis_code"] for problem in summary["problems"]] == ["F33.1", "F41.1"]

    aftercare = eventually(lambda: _plan_with_summary(system, alex["id"]), "aftercare plan never referred to the summary")
    assert aftercare["discharge_summary"] == {"summary_id": summary["id"], "treatment_plan_id": plan["id"],
                                              "objectives_met": 1, "objectives_not_met": 1}
    assert aftercare["goals"] == [{"objective_id": objectives[1], "source": "treatment_discharge_summary"}]

    assert_other_site_finds_nothing(system, alex, plan, signed, meeting_id, summary)


def test_overdue_notes_and_plans_become_aftercare_tasks_settled_by_treatment(system, today):
    group = ok(system.post("/scheduling/v1/groups", {
        "name": "Evening group", "program": "mh-adult", "modality": "group_therapy",
        "weekdays": ["mon", "tue", "wed", "thu", "fri"], "start_time": "17:00", "duration_minutes": 180,
        "capacity": 8}), 201)
    casey = admit(system, "TREAT-C", (today - timedelta(days=14)).isoformat(), group["id"])
    by_start = eventually(lambda: _past_group_sessions(system, casey["id"], today - timedelta(days=4)),
                          "no group session more than 72 hours ago")
    earliest = min(by_start)
    ok(system.post(f"/scheduling/v1/sessions/{by_start[earliest]}/attendance",
                   {"enrollment_id": casey["id"], "status": "present"}))
    note = eventually(lambda: _only_note(system, casey["id"]), "no note opened")
    assert note["status"] == "draft"

    # The sweeps the treatment worker runs every few minutes, run now; its relay publishes what they raise.
    treatment = bootstrap("treatment", settings=system.settings)
    sweep_overdue_notes(treatment.store, treatment.sites, "treatment")
    sweep_plans_due(treatment.store, treatment.sites, "treatment")
    note_task = eventually(lambda: _task(system, casey["id"], "session_note"), "overdue note opened no task")
    assert (note_task["status"], note_task["source"]["note_id"]) == ("open", note["id"])
    plan_task = eventually(lambda: _task(system, casey["id"], "treatment_plan"), "overdue plan opened no task")
    assert plan_task["status"] == "open"
    assert plan_task["due_date"] == (today - timedelta(days=14) + timedelta(days=7)).isoformat()

    plan, _ = write_plan(system, draft_plan(system, casey, DIAGNOSES))
    plan = sign_plan(system, plan)
    ok(call(system, "PUT", f"/treatment/v1/notes/{note['id']}", {"format": "DAP", "sections": FORM_SECTIONS}))
    ok(call(system, "PUT", f"/treatment/v1/group-sessions/{note['group_session_id']}", {"narrative": "Check-in."}))
    assert ok(system.post(f"/treatment/v1/notes/{note['id']}/sign", {"signer": "staff-0042"}))["late_entry"] is True
    eventually(lambda: _task(system, casey["id"], "session_note", "completed"), "signed note left its task open")
    eventually(lambda: _task(system, casey["id"], "treatment_plan", "completed"), "active plan left its task open")

    # The regular review falls due: the sweep, run as on that day, opens the review task.
    due = date.fromisoformat(plan["next_review_date"])
    sweep_plans_due(treatment.store, treatment.sites, "treatment", today=due)
    review_task = eventually(lambda: _task(system, casey["id"], "treatment_plan_review"), "due review opened no task")
    assert (review_task["status"], review_task["due_date"]) == ("open", due.isoformat())
    assert (review_task["source"]["treatment_plan_id"], review_task["source"]["trigger"]) == (plan["id"], "scheduled")


# --- the steps -----------------------------------------------------------------------------------

def admit(system, mrn_prefix: str, start_date: str, group_id: str) -> dict:
    patient = ok(system.post("/intake/v1/patients", {"mrn": f"{mrn_prefix}-{uuid.uuid4().hex[:8]}",
                                                     "given_name": "Alex", "family_name": "Rivera",
                                                     "birth_date": "1990-04-12"}), 201)
    return ok(system.post("/intake/v1/enrollments", {"patient_id": patient["id"], "program": "mh-adult",
                                                     "start_date": start_date, "group_id": group_id}), 201)


def draft_plan(system, enrollment: dict, diagnoses: list[dict]) -> dict:
    """Diagnose, wait until treatment has the diagnoses, then draft version 1 prefilled from them."""
    request_id = str(uuid.uuid4())
    ok(call(system, "PUT", f"/intake/v1/enrollments/{enrollment['id']}/diagnoses", {"diagnoses": diagnoses},
            headers={"X-Request-ID": request_id}))
    await_handled(system, request_id, "intake.diagnoses.updated", ("treatment",))
    plan = ok(system.post("/treatment/v1/plans", {"enrollment_id": enrollment["id"]}), 201)
    assert (plan["status"], plan["version"], plan["enrollment_id"]) == ("draft", 1, enrollment["id"])
    assert plan["required_signatures"] == ["clinician", "patient"]
    assert [(problem["diagnosis_code"], problem["goals"]) for problem in plan["problems"]] == [
        ("F33.1", []), ("F41.1", [])]
    assert system.post("/treatment/v1/plans", {"enrollment_id": enrollment["id"]}).status_code == 409
    return plan


def write_plan(system, plan: dict) -> tuple[dict, list[str]]:
    """Describe both drafted problems with a goal and a measurable objective each, and one intervention."""
    target = (date.today() + timedelta(days=60)).isoformat()
    problems = [{"id": problem["id"], "diagnosis_code": problem["diagnosis_code"], "description": f"Problem {n}",
                 "goals": [{"description": f"Goal {n}", "objectives": [{
                     "description": f"Objective {n}", "target_date": target, "measure": "weekly self-report"}]}]}
                for n, problem in enumerate(plan["problems"], start=1)]
    content = {"problems": problems, "interventions": [{"modality": "group", "description": "CBT skills group",
                                                        "frequency": "5 times a week",
                                                        "responsible_role": "group_facilitator"}]}
    written = ok(call(system, "PUT", f"/treatment/v1/plans/{plan['id']}", content))
    assert [problem["id"] for problem in written["problems"]] == [problem["id"] for problem in plan["problems"]]
    objectives = [goal["objectives"][0]["id"] for problem in written["problems"] for goal in problem["goals"]]
    assert len(objectives) == 2 and all(objectives)
    return written, objectives


def sign_plan(system, plan: dict) -> dict:
    """Every required role signs; the last signature makes it active, and an active plan is locked."""
    half = ok(system.post(f"/treatment/v1/plans/{plan['id']}/signatures",
                          {"role": "clinician", "signer": "staff-0042"}), 201)
    assert half["status"] == "draft"
    active = ok(system.post(f"/treatment/v1/plans/{plan['id']}/signatures",
                            {"role": "patient", "signer": "patient"}), 201)
    assert active["status"] == "active" and {s["role"] for s in active["signatures"]} == {"clinician", "patient"}
    assert active["next_review_date"]
    edit = call(system, "PUT", f"/treatment/v1/plans/{plan['id']}",
                {"problems": [], "interventions": []})
    assert edit.status_code == 409, edit.text
    assert ok(system.get(f"/treatment/v1/plans/{plan['id']}"))["problems"] == active["problems"]
    return active


def attend_group_meeting(system, today: date, enrollments: list[dict], group_id: str) -> tuple[str, dict]:
    """Both patients present at the same past group meeting: one draft note each, of one meeting."""
    sessions = [eventually(lambda e=enrollment: _past_group_sessions(system, e["id"], today),
                           "no group sessions scheduled") for enrollment in enrollments]
    common = sorted(set.intersection(*(set(by_start) for by_start in sessions)))
    assert common, "the two patients share no group meeting"
    starts_at = common[-1]
    for enrollment, by_start in zip(enrollments, sessions, strict=True):
        ok(system.post(f"/scheduling/v1/sessions/{by_start[starts_at]}/attendance",
                       {"enrollment_id": enrollment["id"], "status": "present"}))
    notes = {enrollment["id"]: eventually(lambda e=enrollment: _only_note(system, e["id"]), "no note opened")
             for enrollment in enrollments}
    meetings = {note["group_session_id"] for note in notes.values()}
    assert len(meetings) == 1 and None not in meetings, notes
    for note in notes.values():
        assert (note["kind"], note["status"], note["format"]) == ("group", "draft", "DAP")
    [meeting_id] = meetings
    assert ok(system.get(f"/treatment/v1/group-sessions/{meeting_id}"))["group_id"] == group_id
    return meeting_id, notes


def sign_note_then_amend(system, note_id: str, objective_id: str, narrative: str) -> dict:
    ok(call(system, "PUT", f"/treatment/v1/notes/{note_id}", {"format": "DAP", "sections": FORM_SECTIONS,
                                                              "objective_ids": [objective_id]}))
    signed = ok(system.post(f"/treatment/v1/notes/{note_id}/sign", {"signer": "staff-0042"}))
    assert (signed["status"], signed["group_narrative"], signed["objective_ids"]) == ("signed", narrative, [objective_id])
    edit = call(system, "PUT", f"/treatment/v1/notes/{note_id}", {"format": "DAP", "sections": FORM_SECTIONS})
    assert edit.status_code == 409, edit.text
    assert system.post(f"/treatment/v1/notes/{note_id}/sign", {"signer": "staff-0042"}).status_code == 409
    amended = ok(system.post(f"/treatment/v1/notes/{note_id}/addenda",
                             {"text": "Correction: the patient arrived ten minutes late.", "signer": "staff-0042"}), 201)
    assert [addendum["signer"] for addendum in amended["addenda"]] == ["staff-0042"]
    assert amended["sections"] == FORM_SECTIONS and amended["status"] == "signed"
    return amended


def await_summary(system, enrollment_id: str) -> dict:
    [summary] = eventually(lambda: system.get("/treatment/v1/discharge-summaries", enrollment_id=enrollment_id).json(),
                           "no discharge summary drafted")
    return summary


def assert_other_site_finds_nothing(system, enrollment: dict, plan: dict, note: dict, meeting_id: str, summary: dict):
    """Every treatment endpoint, called with another site's key on this site's resources: 404 (or an
    empty list, or the enrollment unknown to that site)."""
    plans, notes = f"/treatment/v1/plans/{plan['id']}", f"/treatment/v1/notes/{note['id']}"
    objective = plan["problems"][0]["goals"][0]["objectives"][0]["id"]
    refused = [
        ("GET", plans, None), ("PUT", plans, {"problems": [], "interventions": []}),
        ("POST", f"{plans}/signatures", {"role": "clinician", "signer": "staff-1"}),
        ("POST", f"{plans}/revisions", None),
        ("POST", f"{plans}/reviews", {"progress": [{"objective_id": objective, "status": "met"}]}),
        ("GET", notes, None), ("PUT", notes, {"format": "DAP", "sections": FORM_SECTIONS}),
        ("POST", f"{notes}/sign", {"signer": "staff-1"}),
        ("POST", f"{notes}/addenda", {"text": "Not theirs.", "signer": "staff-1"}),
        ("GET", f"/treatment/v1/group-sessions/{meeting_id}", None),
        ("PUT", f"/treatment/v1/group-sessions/{meeting_id}", {"narrative": "Not theirs."}),
        ("GET", f"/treatment/v1/discharge-summaries/{summary['id']}", None),
    ]
    answers = {(method, path): call(system, method, path, body, headers=OTHER_SITE).status_code
               for method, path, body in refused}
    assert answers == dict.fromkeys(answers, 404)
    for path, params in (("/treatment/v1/plans", {"enrollment_id": enrollment["id"]}),
                         ("/treatment/v1/notes", {"enrollment_id": enrollment["id"]}),
                         ("/treatment/v1/group-sessions", {}),
                         ("/treatment/v1/discharge-summaries", {"enrollment_id": enrollment["id"]})):
        assert ok(system.get(path, headers=OTHER_SITE, **params)) == [], path
    taken = system.post("/treatment/v1/plans", {"enrollment_id": enrollment["id"]}, headers=OTHER_SITE)
    assert taken.status_code == 422 and "enrollment_id" in taken.text, taken.text


# --- reading ---------------------------------------------------------------------------------------

def _past_group_sessions(system, enrollment_id: str, before: date) -> dict[str, str] | None:
    """The enrollment's group sessions before a day, by their start (the same instant names one meeting)."""
    answer = system.get(f"/scheduling/v1/enrollments/{enrollment_id}/sessions", kind="group", page_size=100)
    sessions = answer.json() if answer.status_code == 200 else []
    return {session["starts_at"]: session["id"] for session in sessions
            if date.fromisoformat(session["local_date"]) < before} or None


def _only_note(system, enrollment_id: str) -> dict | None:
    notes = system.get("/treatment/v1/notes", enrollment_id=enrollment_id).json()
    assert len(notes) <= 1, notes
    return notes[0] if notes else None


def _plan_with_summary(system, enrollment_id: str) -> dict | None:
    plans = system.get("/aftercare/v1/plans", enrollment_id=enrollment_id).json()
    return plans[0] if plans and plans[0].get("discharge_summary") else None


def _task(system, enrollment_id: str, kind: str, status: str | None = None) -> dict | None:
    params = {"enrollment_id": enrollment_id, "kind": kind, **({"status": status} if status else {})}
    tasks = system.get("/aftercare/v1/tasks", **params).json()
    assert len(tasks) <= 1, tasks
    return tasks[0] if tasks else None
