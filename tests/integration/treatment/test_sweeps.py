"""The worker's timed sweeps on the test database, run with a given day or instant: the first plan
and reviews falling due, notes left unsigned, each raised once."""
from datetime import date, datetime, timedelta, timezone

from services.treatment.use_cases import sweeps
from tests.conftest import CLINICIAN, pending_events
from tests.integration.treatment.conftest import active_plan, admitted_enrollment, attendance_event, deliver, draft_plan


def sweep_plans(context, today):
    return sweeps.sweep_plans_due(context.store, context.sites, "treatment", today=today)


def sweep_notes(context, now):
    return sweeps.sweep_overdue_notes(context.store, context.sites, "treatment", now=now)


def review_due(context, collection):
    return [(e["payload"]["kind"], e["payload"]["due_date"], e["payload"]["plan_id"])
            for e in pending_events(context, collection, "treatment.plan.review_due")]


def test_a_missing_first_plan_raises_review_due_once_from_its_due_day(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)  # admitted 2026-11-16: due 2026-11-23
    draft = draft_plan(treatment, enrollment_id)
    assert sweep_plans(treatment_context, date(2026, 11, 22)) == 0
    assert sweep_plans(treatment_context, date(2026, 11, 23)) == 1
    assert sweep_plans(treatment_context, date(2026, 11, 24)) == 0
    assert review_due(treatment_context, "enrollments") == [("initial_plan", "2026-11-23", draft["id"])]


def test_a_review_due_and_missing_raises_review_due_once(treatment, treatment_context):
    enrollment_id, _ = admitted_enrollment(treatment_context)
    plan = active_plan(treatment, enrollment_id)
    assert sweep_plans(treatment_context, date(2026, 12, 25)) == 0
    assert sweep_plans(treatment_context, date(2026, 12, 26)) == 1
    assert sweep_plans(treatment_context, date(2026, 12, 27)) == 0
    assert review_due(treatment_context, "plans") == [("review", "2026-12-26", plan["id"])]


def test_an_unsigned_note_raises_overdue_once_and_a_signed_one_never(treatment, treatment_context):
    enrollment_id, patient_id = admitted_enrollment(treatment_context)
    starts = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "00000000-0000-4000-8000-00000000c002", starts_at=starts))
    deliver(treatment_context, attendance_event(enrollment_id, patient_id, "00000000-0000-4000-8000-00000000c001", starts_at=starts))
    [signed] = treatment.get("/v1/notes", query_string={"session_id": "00000000-0000-4000-8000-00000000c001"}, headers=CLINICIAN).json
    treatment.put(f"/v1/notes/{signed['id']}", json={"format": "DAP", "sections": {
        "data": "d", "assessment": "a", "plan": "p"}}, headers=CLINICIAN)
    treatment.post(f"/v1/notes/{signed['id']}/sign", json={"signer": "staff-1"}, headers=CLINICIAN)
    due = starts + timedelta(hours=72)
    assert sweep_notes(treatment_context, due) == 0
    assert sweep_notes(treatment_context, due + timedelta(minutes=5)) == 1
    assert sweep_notes(treatment_context, due + timedelta(days=1)) == 0
    [overdue] = pending_events(treatment_context, "notes", "treatment.note.overdue")
    assert (overdue["payload"]["session_id"], overdue["payload"]["due_at"]) == ("00000000-0000-4000-8000-00000000c002", due.isoformat())
    [unsigned] = treatment.get("/v1/notes", query_string={"session_id": "00000000-0000-4000-8000-00000000c002"}, headers=CLINICIAN).json
    assert unsigned["overdue_raised_at"] is not None
