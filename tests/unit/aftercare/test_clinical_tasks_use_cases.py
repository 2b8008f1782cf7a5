"""Tasks the episode of care raises, on the in-memory store: treatment plans and reviews due, session
notes overdue, short weeks; each settled by its fact in any order, each opened once however often
its event is delivered."""
from datetime import date

from services.aftercare.store import intensity_task_id, note_task_id, treatment_task_id
from services.aftercare.use_cases import clinical_tasks
from services.aftercare.use_cases.tasks import reopen_task
from tests.unit.aftercare.support import (
    cause_of,
    discharge,
    intensity_below,
    note_overdue,
    note_signed,
    plan_activated,
    plan_reviewed,
    review_due,
)

HANDLE = {
    "treatment.plan.review_due": clinical_tasks.open_treatment_plan_task,
    "treatment.plan.activated": clinical_tasks.record_plan_activated,
    "treatment.plan.reviewed": clinical_tasks.record_plan_reviewed,
    "treatment.note.overdue": clinical_tasks.open_session_note_task,
    "treatment.note.signed": clinical_tasks.record_note_signed,
    "scheduling.intensity.below_minimum": clinical_tasks.open_intensity_review,
}


def deliver(store, site, *events):
    for event in events:
        HANDLE[event.event_type](store, cause_of(event), site, event)


def task(store, task_id):
    return store.tasks.find_one({"_id": task_id})


def initial_plan_task_id(due=date(2026, 11, 20)):
    return treatment_task_id("mpls", "enr-1", "treatment_plan", due)


def review_task_id(due=date(2026, 11, 20)):
    return treatment_task_id("mpls", "enr-1", "treatment_plan_review", due)


# --- the treatment plan due ---------------------------------------------------------------------------


def test_a_first_plan_due_opens_a_treatment_plan_task_for_the_clinician_due_that_day(store, site):
    deliver(store, site, review_due("initial_plan"))
    opened = task(store, initial_plan_task_id())
    assert (opened["kind"], opened["owner_role"], opened["due_date"], opened["status"]) == (
        "treatment_plan", "clinician", date(2026, 11, 20), "open")


def test_the_plans_activation_completes_the_treatment_plan_task(store, site):
    deliver(store, site, review_due("initial_plan"), plan_activated())
    settled = task(store, initial_plan_task_id())
    assert (settled["status"], settled["treatment_plan_id"]) == ("completed", "tp-1")


def test_an_activation_that_arrives_before_the_due_task_settles_it_when_it_opens(store, site):
    deliver(store, site, plan_activated(), review_due("initial_plan"))
    assert task(store, initial_plan_task_id())["status"] == "completed"


def test_a_review_due_opens_a_treatment_plan_review_task(store, site):
    deliver(store, site, review_due("review", plan_id="tp-1", trigger="scheduled"))
    opened = task(store, review_task_id())
    assert (opened["kind"], opened["source"]["trigger"], opened["source"]["treatment_plan_id"]) == (
        "treatment_plan_review", "scheduled", "tp-1")


def test_a_review_that_sets_the_next_review_after_the_due_date_completes_the_review_task(store, site):
    deliver(store, site, review_due("review", plan_id="tp-1"), plan_reviewed(next_review_date=date(2026, 12, 21)))
    settled = task(store, review_task_id())
    assert (settled["status"], settled["review_id"]) == ("completed", "rev-1")


def test_an_earlier_review_does_not_settle_a_later_due_date(store, site):
    deliver(store, site, plan_reviewed(reviewed_on=date(2026, 10, 20), next_review_date=date(2026, 11, 19)),
            review_due("review", plan_id="tp-1", due_date=date(2026, 11, 19)))
    assert task(store, review_task_id(date(2026, 11, 19)))["status"] == "open"


def test_an_activation_does_not_settle_a_review(store, site):
    deliver(store, site, review_due("review", plan_id="tp-1"), plan_activated())
    assert task(store, review_task_id())["status"] == "open"


def test_each_due_date_is_its_own_task_and_a_redelivery_is_the_same_one(store, site):
    first = review_due("review", plan_id="tp-1", due_date=date(2026, 10, 21))
    deliver(store, site, first, first, review_due("review", plan_id="tp-1", due_date=date(2026, 11, 20)))
    assert store.tasks.count({"kind": "treatment_plan_review"}) == 2


def test_a_task_raised_after_the_discharge_belongs_to_the_aftercare_plan(store, site):
    plan = discharge(store, site)
    deliver(store, site, review_due("review", plan_id="tp-1"))
    assert task(store, review_task_id())["plan_id"] == plan["_id"]


# --- the session note overdue --------------------------------------------------------------------------


def test_an_overdue_note_opens_a_task_for_its_author_role_due_the_day_it_fell_due_at_the_site(store, site):
    deliver(store, site, note_overdue(author_role="group_facilitator"))
    opened = task(store, note_task_id("mpls", "note-1"))
    assert (opened["kind"], opened["owner_role"], opened["due_date"], opened["source"]["note_id"]) == (
        "session_note", "group_facilitator", date(2026, 11, 23), "note-1")


def test_signing_the_note_completes_its_task_in_either_order(store, site):
    deliver(store, site, note_overdue("note-1"), note_signed("note-1"), note_signed("note-2"), note_overdue("note-2"))
    assert [task(store, note_task_id("mpls", note))["status"] for note in ("note-1", "note-2")] == [
        "completed", "completed"]


def test_another_notes_signature_leaves_the_task_open(store, site):
    deliver(store, site, note_overdue("note-1"), note_signed("note-9"))
    assert task(store, note_task_id("mpls", "note-1"))["status"] == "open"


def test_a_note_task_staff_reopened_is_not_completed_again_by_a_redelivered_signature(store, site, staff):
    signed = note_signed("note-1")
    deliver(store, site, note_overdue("note-1"), signed)
    reopen_task(store, staff, note_task_id("mpls", "note-1"), "addendum still to write")
    deliver(store, site, signed)
    assert task(store, note_task_id("mpls", "note-1"))["status"] == "open"


# --- weeks below the program's minimum ---------------------------------------------------------------------


def test_a_short_week_opens_one_case_management_task_for_that_enrollment_week(store, site):
    week = intensity_below(date(2026, 11, 16))
    deliver(store, site, week, week, intensity_below(date(2026, 11, 16)))
    [opened] = store.tasks.find({"kind": "intensity_review"})
    assert (opened["_id"], opened["owner_role"], opened["source"]["attended_minutes"]) == (
        intensity_task_id("mpls", "enr-1", date(2026, 11, 16)), "case_manager", 300)


def test_each_short_week_is_its_own_task(store, site):
    deliver(store, site, intensity_below(date(2026, 11, 9)), intensity_below(date(2026, 11, 16)))
    assert store.tasks.count({"kind": "intensity_review"}) == 2
