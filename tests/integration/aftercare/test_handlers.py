"""Aftercare's event handlers, called directly on the test database: plans, wiring and case-management tasks."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from services.aftercare.store import ENROLLMENT_FACTS, PLANS, REFERRALS, TASKS, plan_id_for, plan_task_id
from tests.conftest import pending_events, service_context
from tests.integration.aftercare.conftest import (
    attendance,
    booking,
    completion,
    deliver,
    event,
    reconciliation,
)


def plan_of(context, enrollment_id="00000000-0000-4000-8000-00000000e001"):
    return context.db[PLANS].find_one({"site_id": "mpls", "enrollment_id": enrollment_id})


def task_of(context, kind, enrollment_id="00000000-0000-4000-8000-00000000e001"):
    return context.db[TASKS].find_one({"_id": plan_task_id(plan_id_for("mpls", enrollment_id), kind)})


def all_events(context, event_type):
    return [e for collection in (PLANS, TASKS, REFERRALS) for e in pending_events(context, collection, event_type)]


# Plans made by discharges

def test_a_completion_makes_a_step_down_plan_with_its_four_tasks_due_by_the_template(context):
    deliver(context, completion())
    tasks = {task["kind"]: task for task in context.db[TASKS].find({"plan_id": plan_of(context)["_id"]})}
    assert {kind: (task["due_date"], task["owner_role"], task["status"]) for kind, task in tasks.items()} == {
        "follow_up_appointment": ("2026-11-02", "scheduler", "open"),
        "step_down_referral": ("2026-10-28", "case_manager", "open"),
        "relapse_prevention_plan": ("2026-10-27", "clinician", "open"),
        "medication_handoff": ("2026-10-29", "prescriber", "open"),
    }


def test_the_relapse_prevention_task_carries_its_sections_and_the_988_crisis_line(context):
    deliver(context, completion())
    sections = task_of(context, "relapse_prevention_plan")["content"]["sections"]
    assert [section["key"] for section in sections] == ["warning_signs", "coping_strategies", "people_and_places", "crisis_line"]
    assert sections[-1]["items"] == ["988"]


def test_a_completion_creates_the_step_down_referral_from_the_discharge(context):
    deliver(context, completion())
    referral = context.db[REFERRALS].find_one({"plan_id": plan_of(context)["_id"]})
    assert (referral["level_of_care"], referral["provider"], referral["status"]) == ("outpatient_therapy", "npi:1234567893", "created")
    assert [e["payload"]["referral_id"] for e in all_events(context, "aftercare.referral.created")] == [referral["_id"]]


def test_another_discharge_outcome_makes_a_re_engagement_plan_with_outreach_due_the_next_business_day(context):
    deliver(context, completion(outcome="against_advice", discharge_date=date(2026, 10, 30)))  # a Friday
    plan = plan_of(context)
    assert plan["template"] == "re_engagement"
    assert task_of(context, "outreach")["due_date"] == "2026-11-02"


def test_a_site_template_override_replaces_the_default_plan(context, sites):
    site = sites.get("mpls")
    override = {"*": {"completed": {"name": "brief", "tasks": [
        {"kind": "follow_up_appointment", "owner_role": "nurse", "due": {"calendar_days": 3}}]}}}
    site.options["aftercare_templates"] = override
    try:
        deliver(context, completion())
    finally:
        del site.options["aftercare_templates"]
    assert plan_of(context)["template"] == "brief"
    assert [task["kind"] for task in context.db[TASKS].find({})] == ["follow_up_appointment"]


def test_a_redelivered_completion_changes_nothing_and_emits_nothing_more(context):
    first = completion()
    deliver(context, first)
    deliver(context, first)
    assert context.db[PLANS].count_documents({}) == 1
    assert context.db[TASKS].count_documents({}) == 4
    assert len(all_events(context, "aftercare.plan.created")) == 1
    assert len(all_events(context, "aftercare.task.created")) == 4


def test_a_creation_interrupted_after_the_plan_is_resumed_by_the_redelivery(context):
    first = completion()
    deliver(context, first)
    # Simulate a crash after the plan and one task were written: the rest never reached the database.
    context.db[TASKS].delete_many({"kind": {"$in": ["step_down_referral", "relapse_prevention_plan", "medication_handoff"]}})
    context.db[REFERRALS].delete_many({})
    deliver(context, first)
    assert sorted(task["kind"] for task in context.db[TASKS].find({})) == [
        "follow_up_appointment", "medication_handoff", "relapse_prevention_plan", "step_down_referral"]
    assert context.db[REFERRALS].count_documents({}) == 1
    assert len(all_events(context, "aftercare.plan.created")) == 1


# Follow-up appointment and medication handoff, in any order

def test_a_booked_follow_up_is_tied_to_the_follow_up_task(context):
    deliver(context, completion())
    deliver(context, booking())
    appointment = task_of(context, "follow_up_appointment")["appointment"]
    assert (appointment["id"], appointment["starts_at"]) == ("appt-1", datetime(2026, 10, 29, 15, 0, tzinfo=timezone.utc))
    assert plan_of(context)["follow_up"]["due_date"] == "2026-10-29"


def test_a_booking_that_arrives_before_the_plan_is_applied_when_the_plan_is_made(context):
    deliver(context, booking())
    deliver(context, completion())
    assert task_of(context, "follow_up_appointment")["appointment"]["id"] == "appt-1"


def test_an_attended_follow_up_closes_the_task_and_meets_the_follow_up(context):
    deliver(context, completion())
    deliver(context, booking())
    deliver(context, attendance())
    task = task_of(context, "follow_up_appointment")
    assert (task["status"], task["attended_on"]) == ("completed", "2026-10-29")
    assert plan_of(context)["follow_up"]["met_on"] == "2026-10-29"
    assert [e["payload"]["kind"] for e in all_events(context, "aftercare.task.completed")] == ["follow_up_appointment"]


def test_a_visit_on_the_discharge_day_does_not_meet_the_follow_up(context):
    deliver(context, completion())
    deliver(context, attendance(starts_at=datetime(2026, 10, 26, 15, 0, tzinfo=timezone.utc)))
    assert task_of(context, "follow_up_appointment")["status"] == "open"
    assert plan_of(context)["follow_up"]["met_on"] is None


def test_a_no_show_leaves_the_follow_up_open(context):
    deliver(context, completion())
    deliver(context, attendance(status="no_show"))
    assert task_of(context, "follow_up_appointment")["status"] == "open"


def test_a_reconciliation_closes_the_medication_handoff_and_is_attached(context):
    deliver(context, completion())
    deliver(context, reconciliation())
    task = task_of(context, "medication_handoff")
    assert (task["status"], task["reconciliation_id"]) == ("completed", "rec-1")


def test_a_reconciliation_that_arrives_before_the_plan_is_not_lost(context):
    deliver(context, reconciliation())
    deliver(context, completion())
    assert task_of(context, "medication_handoff")["reconciliation_id"] == "rec-1"


def test_a_redelivered_attendance_completes_the_task_once(context):
    deliver(context, completion())
    visit = attendance()
    deliver(context, visit)
    deliver(context, visit)
    assert len(all_events(context, "aftercare.task.completed")) == 1


def test_a_redelivered_reconciliation_does_not_complete_again_a_task_staff_reopened(context):
    deliver(context, completion())
    reconciled = reconciliation()
    deliver(context, reconciled)
    context.db[TASKS].update_one({"kind": "medication_handoff"}, {"$set": {"status": "open"}})
    deliver(context, reconciled)
    assert task_of(context, "medication_handoff")["status"] == "open"


def test_an_older_booking_arriving_after_a_rebooking_does_not_replace_it(context):
    deliver(context, completion())
    deliver(context, booking("appt-2", occurred_at=datetime(2026, 10, 27, 9, tzinfo=timezone.utc)))
    deliver(context, booking("appt-1", occurred_at=datetime(2026, 10, 26, 9, tzinfo=timezone.utc)))
    assert task_of(context, "follow_up_appointment")["appointment"]["id"] == "appt-2"


def _final_state(context):
    plan = plan_of(context)
    tasks = {task["kind"]: (task["status"], task.get("appointment", {}).get("id"), task.get("attended_on"),
                            task.get("reconciliation_id")) for task in context.db[TASKS].find({"plan_id": plan["_id"]})}
    return plan["follow_up"], tasks, len(all_events(context, "aftercare.task.completed"))


ARRIVALS = ["completion", "booking", "attendance", "reconciliation"]
ORDERS = [
    ["completion", "booking", "attendance", "reconciliation"],
    ["booking", "completion", "attendance", "reconciliation"],
    ["booking", "attendance", "completion", "reconciliation"],
    ["reconciliation", "booking", "attendance", "completion"],
    ["attendance", "reconciliation", "booking", "completion"],
    ["attendance", "booking", "completion", "reconciliation"],
    ["completion", "reconciliation", "attendance", "booking"],
]


@pytest.fixture
def fresh_context(settings, sites):
    """Makes contexts on databases of their own, to compare runs side by side."""
    made = []

    def make():
        made.append(str(len(made)))
        return service_context("aftercare", replace(settings, broker_namespace=settings.broker_namespace + made[-1]), sites)

    return make


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(order) for order in ORDERS])
def test_the_outcome_is_the_same_whatever_the_order_of_arrival(fresh_context, order):
    def run(arrival_order):
        context = fresh_context()
        made = {"completion": completion(), "booking": booking(), "attendance": attendance(),
                "reconciliation": reconciliation()}
        for name in arrival_order:
            deliver(context, made[name])
        return _final_state(context)

    assert run(order) == run(ARRIVALS)


def test_a_booking_during_an_interrupted_plan_creation_reaches_the_task_when_creation_resumes(context):
    first = completion()
    deliver(context, first)
    context.db[TASKS].delete_one({"kind": "follow_up_appointment"})  # the crash: this task was never written
    deliver(context, booking())
    deliver(context, first)
    assert task_of(context, "follow_up_appointment")["appointment"]["id"] == "appt-1"


# Case management during the program

def test_an_absence_escalation_raises_outreach_due_the_same_day(context):
    escalated = event("scheduling.absence.escalated", {"enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                       "consecutive_absences": 2, "last_session_id": "ses-9"},
                      occurred_at=datetime(2026, 10, 14, 18, 0, tzinfo=timezone.utc))
    deliver(context, escalated)
    task = context.db[TASKS].find_one({"kind": "outreach"})
    assert (task["due_date"], task["plan_id"], task["enrollment_id"]) == ("2026-10-14", None, "00000000-0000-4000-8000-00000000e001")
    assert [e["payload"]["task_id"] for e in all_events(context, "aftercare.task.created")] == [task["_id"]]


def test_a_risk_flag_raises_a_same_day_safety_screening_even_without_an_enrollment(context):
    flagged = event("intake.risk.flagged", {"assessment_id": "asm-1", "patient_id": "00000000-0000-4000-8000-00000000a001", "enrollment_id": None,
                                            "instrument": "PHQ-9", "risk_flags": ["suicidal_ideation"]},
                    occurred_at=datetime(2026, 10, 17, 16, 0, tzinfo=timezone.utc))  # a Saturday: risk does not wait
    deliver(context, flagged)
    task = context.db[TASKS].find_one({"kind": "safety_screening"})
    assert (task["due_date"], task["enrollment_id"]) == ("2026-10-17", None)
    assert [step["key"] for step in task["content"]["steps"]] == ["c_ssrs", "safety_plan"]


def test_a_severe_side_effect_raises_a_prescriber_review(context):
    deliver(context, event("medication.side_effect.reported", {"check_in_id": "chk-1", "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                               "severity": "severe", "side_effect_count": 1}))
    assert context.db[TASKS].count_documents({"kind": "prescriber_review"}) == 1


def test_a_moderate_side_effect_raises_no_task(context):
    deliver(context, event("medication.side_effect.reported", {"check_in_id": "chk-1", "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                               "severity": "moderate", "side_effect_count": 1}))
    assert context.db[TASKS].count_documents({}) == 0


def test_a_redelivered_risk_flag_raises_one_task(context):
    flagged = event("intake.risk.flagged", {"assessment_id": "asm-1", "patient_id": "00000000-0000-4000-8000-00000000a001", "enrollment_id": "00000000-0000-4000-8000-00000000e001",
                                            "instrument": "PHQ-9", "risk_flags": ["suicidal_ideation"]})
    deliver(context, flagged)
    deliver(context, flagged)
    assert context.db[TASKS].count_documents({"kind": "safety_screening"}) == 1
    assert len(all_events(context, "aftercare.task.created")) == 1


def test_an_admission_is_remembered_in_the_enrollments_facts(context):
    deliver(context, event("intake.enrollment.admitted", {
        "enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "planned_weeks": 8, "planned_end_date": date(2026, 10, 27)}))
    facts = context.db[ENROLLMENT_FACTS].find_one({"enrollment_id": "00000000-0000-4000-8000-00000000e001"})
    assert (facts["patient_id"], facts["admission"]["program"]) == ("00000000-0000-4000-8000-00000000a001", "mh-adult")


def cancellation(appointment_id="appt-1"):
    return event("scheduling.appointment.cancelled", {"appointment_id": appointment_id, "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                      "enrollment_id": "00000000-0000-4000-8000-00000000e001", "kind": "aftercare_follow_up"})


def test_a_cancelled_follow_up_is_untied_from_the_follow_up_task(context):
    deliver(context, completion())
    deliver(context, booking())
    deliver(context, cancellation())
    assert task_of(context, "follow_up_appointment")["appointment"] is None
    assert plan_of(context)["follow_up"]["due_date"] is None


def test_a_cancellation_that_arrives_before_its_booking_still_wins(context):
    deliver(context, cancellation())
    deliver(context, completion())
    deliver(context, booking())
    assert task_of(context, "follow_up_appointment").get("appointment") is None


# The second round's reactions: every new event through the handler table, on the test database.

def test_a_death_opens_no_outreach_and_books_nothing_only_the_closing_task(context):
    deliver(context, completion(outcome="death"))
    assert [task["kind"] for task in context.db[TASKS].find({})] == ["closing"]
    assert (plan_of(context)["template"], context.db[REFERRALS].count_documents({})) == ("closing", 0)


def test_a_transfer_starts_the_step_down_referral_and_no_outreach(context):
    deliver(context, completion(outcome="transferred", step_down={"level_of_care": "php", "provider_id": None}))
    assert sorted(task["kind"] for task in context.db[TASKS].find({})) == ["medication_handoff", "step_down_referral"]
    assert context.db[REFERRALS].find_one({})["level_of_care"] == "php"


def test_a_week_below_the_minimum_opens_one_case_management_task_however_often_it_is_delivered(context):
    week = event("scheduling.intensity.below_minimum", {
        "enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001", "program": "mh-adult", "week_start": date(2026, 11, 16),
        "attended_minutes": 300, "minimum_minutes": 540})
    deliver(context, week)
    deliver(context, week)
    assert context.db[TASKS].count_documents({"kind": "intensity_review", "owner_role": "case_manager"}) == 1


def test_a_plan_due_opens_the_clinicians_task_and_the_activation_closes_it(context):
    deliver(context, event("treatment.plan.review_due", {"enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                         "plan_id": None, "due_date": date(2026, 11, 20),
                                                         "kind": "initial_plan", "trigger": None}))
    deliver(context, event("treatment.plan.activated", {"plan_id": "tp-1", "enrollment_id": "00000000-0000-4000-8000-00000000e001",
                                                        "patient_id": "00000000-0000-4000-8000-00000000a001", "version": 1,
                                                        "next_review_date": date(2026, 12, 20)}))
    [task] = context.db[TASKS].find({"kind": "treatment_plan"})
    assert (task["owner_role"], task["status"], task["treatment_plan_id"]) == ("clinician", "completed", "tp-1")


def test_a_review_recorded_before_its_due_event_closes_the_review_task_as_it_opens(context):
    deliver(context, event("treatment.plan.reviewed", {"plan_id": "tp-1", "review_id": "rev-1", "enrollment_id": "00000000-0000-4000-8000-00000000e001",
                                                       "patient_id": "00000000-0000-4000-8000-00000000a001", "reviewed_on": date(2026, 11, 21),
                                                       "next_review_date": date(2026, 12, 21)}))
    deliver(context, event("treatment.plan.review_due", {"enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001",
                                                         "plan_id": "tp-1", "due_date": date(2026, 11, 20),
                                                         "kind": "review", "trigger": "scheduled"}))
    [task] = context.db[TASKS].find({"kind": "treatment_plan_review"})
    assert (task["status"], task["review_id"]) == ("completed", "rev-1")


def test_an_overdue_note_opens_a_task_for_its_author_role_closed_when_it_is_signed(context):
    deliver(context, event("treatment.note.overdue", {"note_id": "note-1", "enrollment_id": "00000000-0000-4000-8000-00000000e001",
                                                      "patient_id": "00000000-0000-4000-8000-00000000a001", "session_id": "ses-1",
                                                      "author_role": "group_facilitator",
                                                      "due_at": datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)}))
    [opened] = context.db[TASKS].find({"kind": "session_note"})
    deliver(context, event("treatment.note.signed", {"note_id": "note-1", "enrollment_id": "00000000-0000-4000-8000-00000000e001",
                                                     "patient_id": "00000000-0000-4000-8000-00000000a001", "session_id": "ses-1", "kind": "group",
                                                     "late_entry": True}))
    [closed] = context.db[TASKS].find({"kind": "session_note"})
    assert (opened["owner_role"], opened["status"], closed["status"]) == ("group_facilitator", "open", "completed")


def test_a_drafted_discharge_summary_links_the_plan_and_carries_its_unmet_objectives(context):
    deliver(context, completion())
    deliver(context, event("treatment.discharge_summary.drafted", {
        "summary_id": "sum-1", "enrollment_id": "00000000-0000-4000-8000-00000000e001", "patient_id": "00000000-0000-4000-8000-00000000a001", "plan_id": "tp-1",
        "objectives_met": 2, "objectives_not_met": 1, "unmet_objective_ids": ["obj-3"]}))
    plan = plan_of(context)
    assert (plan["discharge_summary"]["summary_id"], [goal["objective_id"] for goal in plan["goals"]]) == (
        "sum-1", ["obj-3"])


def test_consents_from_intake_are_kept_and_a_revocation_wins_in_any_order(context):
    common = {"consent_id": "con-1", "patient_id": "00000000-0000-4000-8000-00000000a001", "scope": ["treatment_records"], "recipient_id": None,
              "purpose": "treatment", "expires_on": None}
    deliver(context, event("intake.consent.revoked", {**common, "revoked_on": date(2026, 11, 20)}))
    deliver(context, event("intake.consent.granted", common))
    [kept] = context.db["consents"].find({})
    assert (kept["revoked_on"], kept["granted_at"] is not None) == ("2026-11-20", True)
