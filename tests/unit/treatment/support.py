"""Events as intake and scheduling send them to treatment, causes, and the steps many tests share."""
import uuid
from datetime import date, datetime, timezone

from services.treatment.use_cases import enrollments, plans
from shared.cause import Cause
from shared.events import Event, load_event
from tests.conftest import make_envelope

# Noon at the demo sites (America/Chicago) on the day the tests were written: the pinned clock.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 26)
ADMITTED_ON = date(2026, 11, 16)  # a Monday; the first plan is due 7 days later, on 2026-11-23
SITE, OTHER_SITE = "mpls", "stpaul"
CLINICIAN = "Minneapolis front-end"
# A group meeting at 09:00 in Minneapolis, the day before the clock.
GROUP_STARTS_AT = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)


def arrival(event_type: str, payload: dict, occurred_at: datetime | None = None, site_id: str = SITE) -> Event:
    """An event as the consumer hands it over: made by its producer's builder, then loaded."""
    return load_event(make_envelope(event_type, payload, site_id=site_id, occurred_at=occurred_at))


def cause_of(event: Event) -> Cause:
    return Cause.of_event(event, actor="treatment")


def request(site_id: str = SITE) -> Cause:
    return Cause(site_id, correlation_id=str(uuid.uuid4()), actor=CLINICIAN)


def admission(enrollment_id: str = "enr-1", program: str = "mh-adult", start_date: date = ADMITTED_ON,
              site_id: str = SITE, patient_id: str = "pat-1") -> Event:
    return arrival("intake.enrollment.admitted", {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": program, "level_of_care": "2.1",
        "start_date": start_date, "planned_weeks": 8, "planned_end_date": date(2027, 1, 11)}, site_id=site_id)


def diagnoses(codes=(("F33.1", 1), ("F41.1", 2)), enrollment_id: str = "enr-1", occurred_at: datetime | None = None,
              site_id: str = SITE) -> Event:
    return arrival("intake.diagnoses.updated", {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "primary_code": codes[0][0] if codes else None,
        "diagnoses": [{"code": code, "rank": rank} for code, rank in codes]}, occurred_at=occurred_at, site_id=site_id)


def level_of_care_change(effective_date: date, program: str = "mh-adult", previous_program: str = "php-adult",
                         enrollment_id: str = "enr-1") -> Event:
    return arrival("intake.level_of_care.changed", {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "program": program, "previous_program": previous_program,
        "level_of_care": "2.1", "previous_level_of_care": "2.5", "effective_date": effective_date,
        "planned_end_date": date(2027, 1, 11)})


def attendance(session_id: str = "ses-1", status: str = "present", patient_id: str = "pat-1",
               enrollment_id: str = "enr-1", occurred_at: datetime | None = None, site_id: str = SITE,
               **session) -> Event:
    """``session``: session_kind, group_id, group_modality, starts_at, as scheduling will send them."""
    return arrival("scheduling.attendance.recorded", {
        "session_id": session_id, "enrollment_id": enrollment_id, "patient_id": patient_id, "status": status,
        **session}, occurred_at=occurred_at, site_id=site_id)


def group_attendance(session_id: str, patient_id: str, status: str = "present", **changes) -> Event:
    session = {"session_kind": "group", "group_id": "grp-1", "group_modality": "group_therapy",
               "starts_at": GROUP_STARTS_AT, **changes}
    return attendance(session_id, status, patient_id, enrollment_id=f"enr-{patient_id}", **session)


def discharge(outcome: str = "completed", enrollment_id: str = "enr-1", site_id: str = SITE) -> Event:
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return arrival(event_type, {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "program": "mh-adult", "start_date": ADMITTED_ON,
        "discharge_date": TODAY, "outcome": outcome, "step_down": None}, site_id=site_id)


def deliver(store, site, event: Event, use_case) -> object:
    return use_case(store, cause_of(event), site, event)


def admitted(store, site, codes=(("F33.1", 1), ("F41.1", 2)), enrollment_id: str = "enr-1",
             program: str = "mh-adult") -> None:
    """An enrollment treatment has heard of: admitted, with its diagnoses reported."""
    deliver(store, site, admission(enrollment_id, program=program), enrollments.record_admission)
    deliver(store, site, diagnoses(codes, enrollment_id), enrollments.record_diagnoses)


def content_of(plan: dict, objectives_per_goal: int = 1) -> dict:
    """A complete content for a draft: its problems described, each with a goal and measurable
    objectives, and one intervention; the problems keep their ids."""
    problems = [{"id": problem["id"], "description": f"Problem {index}", "diagnosis_code": problem["diagnosis_code"],
                 "goals": [{"description": f"Goal {index}", "objectives": [
                     {"description": f"Objective {index}.{number}", "target_date": date(2026, 12, 31),
                      "measure": "weekly self-report"} for number in range(objectives_per_goal)]}]}
                for index, problem in enumerate(plan["problems"])]
    return {"problems": problems, "interventions": [
        {"modality": "group", "description": "CBT skills group", "frequency": "3 times a week",
         "responsible_role": "group_facilitator"}]}


def active_plan(store, site, enrollment_id: str = "enr-1") -> dict:
    """The enrollment's plan drafted, completed and signed by the clinician and the patient."""
    draft = plans.create_plan(store, request(), site, enrollment_id)
    plans.edit_plan(store, request(), draft["_id"], content_of(draft))
    plans.sign_plan(store, request(), site, draft["_id"], "clinician", "staff-1")
    return plans.sign_plan(store, request(), site, draft["_id"], "patient", "patient")


def objective_ids(plan: dict) -> list[str]:
    return [objective["id"] for problem in plan["problems"] for goal in problem["goals"]
            for objective in goal["objectives"]]


def events(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes, oldest first, optionally of one type."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    envelopes.sort(key=lambda envelope: envelope["occurred_at"])
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]
