"""The enrollment's facts (follow-up booked, cancelled, attended; medication reconciled) recorded in
any order and more than once, and applied to the plan and its tasks, on the in-memory store."""
from datetime import date, datetime, timezone
from itertools import permutations

import pytest

from services.aftercare.store import enrollment_facts_id
from services.aftercare.use_cases import follow_up
from services.aftercare.use_cases.plans import create_plan_on_discharge
from services.aftercare.use_cases.tasks import reopen_task
from tests.in_memory import in_memory_context
from tests.unit.aftercare.support import (
    FOLLOW_UP_AT,
    all_events,
    arrival,
    attendance,
    booking,
    cancellation,
    cause_of,
    completion,
    discharge,
    plan_task,
    reconciliation,
)

RECORD = {
    "scheduling.appointment.booked": follow_up.record_follow_up_booking,
    "scheduling.appointment.attended": follow_up.record_follow_up_visit,
    "scheduling.appointment.cancelled": follow_up.record_follow_up_cancellation,
    "medication.reconciliation.completed": follow_up.record_reconciliation,
    "intake.enrollment.admitted": follow_up.record_admission,
    "intake.enrollment.completed": create_plan_on_discharge,
}


def deliver(store, site, *arrivals):
    for event in arrivals:
        RECORD[event.event_type](store, cause_of(event), site, event)


def the_plan(store):
    return store.plans.find_one({"enrollment_id": "enr-1"})


def test_an_admission_is_remembered_in_the_enrollments_facts(store, site):
    deliver(store, site, arrival("intake.enrollment.admitted", {
        "enrollment_id": "enr-1", "patient_id": "pat-1", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "planned_weeks": 8, "planned_end_date": date(2026, 10, 27)}))
    facts = store.enrollment_facts.find_one({"_id": enrollment_facts_id("mpls", "enr-1")})
    assert (facts["patient_id"], facts["admission"]) == ("pat-1", {"program": "mh-adult", "start_date": date(2026, 9, 1)})


def test_a_booked_follow_up_is_tied_to_the_follow_up_task_and_dates_the_follow_up(store, site):
    discharge(store, site)
    deliver(store, site, booking(late=True))
    assert plan_task(store, "follow_up_appointment")["appointment"] == {"id": "appt-1", "starts_at": FOLLOW_UP_AT,
                                                                         "late": True}
    plan_follow_up = the_plan(store)["follow_up"]
    assert (plan_follow_up["due_date"], plan_follow_up["late"]) == (date(2026, 10, 29), True)


def test_an_appointment_of_another_kind_is_not_aftercares(store, site):
    discharge(store, site)
    deliver(store, site, booking(kind="program_session"))
    assert store.enrollment_facts.count({}) == 0
    assert plan_task(store, "follow_up_appointment").get("appointment") is None


def test_an_attended_follow_up_completes_the_task_and_meets_the_follow_up(store, site):
    discharge(store, site)
    deliver(store, site, booking(), attendance())
    task = plan_task(store, "follow_up_appointment")
    assert (task["status"], task["attended_on"], task["history"][-1]["by"]) == ("completed", date(2026, 10, 29), "aftercare")
    assert the_plan(store)["follow_up"]["met_on"] == date(2026, 10, 29)
    assert [event["payload"]["kind"] for event in all_events(store, "aftercare.task.completed")] == ["follow_up_appointment"]


def test_a_redelivered_attendance_completes_the_task_once(store, site):
    discharge(store, site)
    visit = attendance()
    deliver(store, site, visit, visit)
    assert len(all_events(store, "aftercare.task.completed")) == 1


def test_a_visit_on_the_discharge_day_does_not_meet_the_follow_up(store, site):
    discharge(store, site)
    deliver(store, site, attendance(starts_at=datetime(2026, 10, 26, 15, 0, tzinfo=timezone.utc)))
    assert plan_task(store, "follow_up_appointment")["status"] == "open"
    assert the_plan(store)["follow_up"]["met_on"] is None


def test_a_no_show_changes_nothing(store, site):
    discharge(store, site)
    deliver(store, site, attendance(status="no_show"))
    assert plan_task(store, "follow_up_appointment")["status"] == "open"
    assert store.enrollment_facts.count({}) == 0


def test_a_cancelled_follow_up_is_untied_from_the_task(store, site):
    discharge(store, site)
    deliver(store, site, booking(), cancellation())
    assert plan_task(store, "follow_up_appointment")["appointment"] is None
    assert the_plan(store)["follow_up"]["due_date"] is None


def test_a_cancellation_that_arrives_before_its_booking_still_wins(store, site):
    deliver(store, site, cancellation())
    discharge(store, site)
    deliver(store, site, booking())
    assert plan_task(store, "follow_up_appointment").get("appointment") is None


def test_an_older_booking_arriving_after_a_rebooking_does_not_replace_it(store, site):
    discharge(store, site)
    deliver(store, site, booking("appt-2", occurred_at=datetime(2026, 10, 27, 9, tzinfo=timezone.utc)),
            booking("appt-1", occurred_at=datetime(2026, 10, 26, 9, tzinfo=timezone.utc)))
    assert plan_task(store, "follow_up_appointment")["appointment"]["id"] == "appt-2"


def test_a_reconciliation_closes_the_medication_handoff_with_the_reconciliation_attached(store, site):
    discharge(store, site)
    deliver(store, site, reconciliation())
    task = plan_task(store, "medication_handoff")
    assert (task["status"], task["reconciliation_id"]) == ("completed", "rec-1")


def test_a_redelivered_reconciliation_does_not_complete_again_a_task_staff_reopened(store, site, staff):
    discharge(store, site)
    reconciled = reconciliation()
    deliver(store, site, reconciled)
    reopen_task(store, staff, plan_task(store, "medication_handoff")["_id"], "the list was incomplete")
    deliver(store, site, reconciled)
    assert plan_task(store, "medication_handoff")["status"] == "open"
    assert len(all_events(store, "aftercare.task.completed")) == 1


def _final_state(arrival_order):
    context = in_memory_context("aftercare")
    store, site = context.store, context.site("mpls")
    made = {"completion": completion(), "booking": booking(), "attendance": attendance(),
            "reconciliation": reconciliation()}
    deliver(store, site, *(made[name] for name in arrival_order))
    tasks = {task["kind"]: (task["status"], task.get("appointment"), task.get("attended_on"),
                            task.get("reconciliation_id")) for task in store.tasks.find({})}
    return the_plan(store)["follow_up"], tasks, len(all_events(store, "aftercare.task.completed"))


ARRIVALS = ("completion", "booking", "attendance", "reconciliation")


@pytest.mark.parametrize("order", list(permutations(ARRIVALS))[1:], ids="-".join)
def test_the_plan_ends_the_same_whatever_the_order_of_arrival(order):
    assert _final_state(order) == _final_state(ARRIVALS)
