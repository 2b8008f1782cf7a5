"""The timed sweeps on the in-memory store: the first plan and each review due raise
treatment.plan.review_due once, an unsigned note past its time raises treatment.note.overdue once."""
from datetime import date, timedelta

from services.treatment.domain import plans as plan_rules
from services.treatment.store import ENROLLMENTS, NOTES, PLANS
from services.treatment.use_cases import enrollments, notes, plans, sweeps
from shared import clock
from tests.unit.treatment.support import (
    NOW,
    SITE,
    TODAY,
    active_plan,
    admitted,
    attendance,
    deliver,
    discharge,
    events,
    level_of_care_change,
    request,
)

FIRST_PLAN_DUE = date(2026, 11, 23)  # 7 days after the admission on 2026-11-16


def sweep_plans(context, today):
    return sweeps.sweep_plans_due(context.store, context.sites, "treatment", today=today)


def sweep_notes(context, now):
    return sweeps.sweep_overdue_notes(context.store, context.sites, "treatment", now=now)


def review_due(store, collection):
    return [(e["payload"]["kind"], e["payload"]["due_date"], e["payload"]["plan_id"], e["payload"]["trigger"])
            for e in events(store, collection, "treatment.plan.review_due")]


def test_a_first_plan_missing_on_its_due_day_is_raised_once(context, store, site):
    admitted(store, site)
    assert sweep_plans(context, FIRST_PLAN_DUE - timedelta(days=1)) == 0
    assert sweep_plans(context, FIRST_PLAN_DUE) == 1
    assert sweep_plans(context, FIRST_PLAN_DUE + timedelta(days=1)) == 0
    assert review_due(store, ENROLLMENTS) == [("initial_plan", "2026-11-23", None, None)]


def test_a_draft_is_no_plan_in_force_and_is_named_by_the_initial_plan_due(context, store, site):
    admitted(store, site)
    draft = plans.create_plan(store, request(), site, "enr-1")
    sweep_plans(context, FIRST_PLAN_DUE)
    assert review_due(store, ENROLLMENTS) == [("initial_plan", "2026-11-23", draft["_id"], None)]


def test_a_plan_in_force_by_its_due_day_raises_nothing_until_its_review_is_due(context, store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    assert sweep_plans(context, TODAY) == 0
    assert sweep_plans(context, plan["next_review_date"]) == 1
    assert sweep_plans(context, plan["next_review_date"] + timedelta(days=2)) == 0
    assert review_due(store, PLANS) == [("review", plan["next_review_date"].isoformat(), plan["_id"], "scheduled")]


def test_a_review_done_in_time_moves_the_next_one_a_full_interval_on(context, store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    progress = [{"objective_id": o["id"], "status": "progressing"} for _, _, o in plan_rules.objectives_of(plan)]
    with clock.pinned(NOW + timedelta(days=26)):
        plans.review_plan(store, request(), site, plan["_id"], {"progress": progress})
    assert sweep_plans(context, plan["next_review_date"]) == 0
    assert sweep_plans(context, TODAY + timedelta(days=56)) == 1


def test_a_level_of_care_change_makes_a_review_due_on_its_effective_day(context, store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    deliver(store, site, level_of_care_change(TODAY + timedelta(days=5)), enrollments.record_level_of_care_change)
    assert sweep_plans(context, TODAY + timedelta(days=5)) == 1
    assert review_due(store, PLANS) == [("review", "2026-12-01", plan["_id"], "level_of_care_change")]


def test_an_ended_enrollment_is_not_swept(context, store, site):
    admitted(store, site)
    deliver(store, site, discharge(), lambda store, cause, site, event: enrollments.record_end(store, cause, event.payload))
    assert sweep_plans(context, FIRST_PLAN_DUE + timedelta(days=30)) == 0


def test_the_sweep_supersedes_an_older_version_left_active_by_an_interrupted_activation(context, store, site):
    admitted(store, site)
    first = active_plan(store, site)
    revision = plans.revise_plan(store, request(), site, first["_id"])
    # The second write of the activation (superseding version 1) never happened.
    store.plans.modify({"_id": revision["_id"]}, lambda plan: ({"status": "active", "effective_date": TODAY,
                                                                "next_review_date": TODAY + timedelta(days=30)}, []))
    sweep_plans(context, TODAY)
    assert plans.find_plan(store, SITE, first["_id"])["status"] == "superseded"


def test_an_unsigned_note_is_raised_overdue_once_after_its_due_time(context, store, site):
    deliver(store, site, attendance(), notes.record_attendance)
    due = store.notes.find_one({})["due_at"]
    assert sweep_notes(context, due) == 0
    assert sweep_notes(context, due + timedelta(minutes=1)) == 1
    assert sweep_notes(context, due + timedelta(hours=5)) == 0
    [overdue] = events(store, NOTES, "treatment.note.overdue")
    assert (overdue["payload"]["author_role"], overdue["payload"]["due_at"]) == ("clinician", due.isoformat())


def test_signed_and_void_notes_are_never_overdue(context, store, site):
    deliver(store, site, attendance(), notes.record_attendance)
    deliver(store, site, attendance("ses-2", status="absent"), notes.record_attendance)
    note = store.notes.find_one({"session_id": "ses-1"})
    notes.edit_note(store, request(), note["_id"], {"format": "DAP", "objective_ids": [],
                                                    "sections": {"data": "d", "assessment": "a", "plan": "p"}})
    notes.sign_note(store, request(), note["_id"], "staff-1")
    assert sweep_notes(context, NOW + timedelta(days=10)) == 0
