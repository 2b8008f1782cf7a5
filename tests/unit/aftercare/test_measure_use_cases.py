"""iop_follow_up on the in-memory store: what a death and a transfer start and how the measure
treats them, follow-up visits from staff and from completed referrals, the discharge summary's
goals, and the per-site report."""
from datetime import date, datetime, timezone

import pytest

from services.aftercare.use_cases import follow_up, reports, sweeps
from services.aftercare.use_cases.plans import add_follow_up_visit, create_plan_on_discharge
from services.aftercare.use_cases.referrals import move_referral
from shared.errors import Invalid
from tests.unit.aftercare.support import (
    cause_of,
    completion,
    discharge,
    events,
    plan_task,
    summary_drafted,
)

DAY_40 = date(2026, 12, 5)  # both windows of a 2026-10-26 discharge are closed


def ended(store, site, outcome, step_down=None, enrollment_id="enr-1"):
    event = completion(enrollment_id=enrollment_id, outcome=outcome, step_down=step_down)
    return create_plan_on_discharge(store, cause_of(event), site, event)


def report(context, first=date(2026, 10, 1), last=date(2026, 10, 31)):
    [mpls] = reports.follow_up_report(context.store, context.sites, ["mpls"], first, last)["sites"]
    return mpls


# --- a death ------------------------------------------------------------------------------------------


def test_a_death_makes_the_closing_plan_with_one_closing_task_and_no_referral(store, site):
    plan = ended(store, site, "death", step_down={"level_of_care": "outpatient_therapy", "provider_id": None})
    assert (plan["template"], plan["follow_up_exclusion"]) == ("closing", "death")
    assert [task["kind"] for task in store.tasks.find({})] == ["closing"]
    assert store.referrals.count({}) == 0


def test_a_death_is_never_chased_as_an_overdue_follow_up(context, store, site):
    ended(store, site, "death")
    assert sweeps.sweep_overdue_follow_ups(store, context.sites, "aftercare", today=DAY_40) == 0
    assert events(store, "plans", "aftercare.follow_up.overdue") == []


# --- a transfer -----------------------------------------------------------------------------------------


def test_a_transfer_continues_care_with_the_step_down_referral_and_no_outreach(store, site):
    plan = ended(store, site, "transferred", step_down={"level_of_care": "php", "provider_id": None})
    assert (plan["template"], plan["follow_up_exclusion"]) == ("transfer", "transfer_to_higher_level")
    assert sorted(task["kind"] for task in store.tasks.find({})) == ["medication_handoff", "step_down_referral"]
    assert [referral["level_of_care"] for referral in store.referrals.find({})] == ["php"]


def test_a_transfer_to_a_higher_level_is_not_chased_but_one_to_outpatient_care_is(context, store, site):
    ended(store, site, "transferred", step_down={"level_of_care": "residential", "provider_id": None})
    ended(store, site, "transferred", step_down={"level_of_care": "outpatient_therapy", "provider_id": None},
          enrollment_id="enr-2")
    sweeps.sweep_overdue_follow_ups(store, context.sites, "aftercare", today=DAY_40)
    assert {event["payload"]["enrollment_id"] for event in events(store, "plans", "aftercare.follow_up.overdue")} == {
        "enr-2"}


# --- follow-up visits recorded by staff and completed referrals -------------------------------------------


def test_a_visit_staff_record_meets_the_follow_up(store, site, staff):
    plan = discharge(store, site)
    shown = add_follow_up_visit(store, staff, site, plan["_id"], {"visited_on": date(2026, 10, 30), "kind": "telehealth"})
    assert (shown["follow_up"]["met_on"], shown["follow_up"]["within_7"]) == (date(2026, 10, 30), True)
    assert shown["follow_up"]["visit_log"] == [{"on": date(2026, 10, 30), "source": "staff",
                                                "id": shown["follow_up"]["visit_log"][0]["id"], "kind": "telehealth",
                                                "provider_id": None}]
    # Seen by someone: the follow-up the task asks for happened.
    task = plan_task(store, "follow_up_appointment")
    assert (task["status"], task["attended_on"]) == ("completed", date(2026, 10, 30))


@pytest.mark.parametrize("visited_on, field", [(date(2026, 10, 25), "visited_on"), (date(2026, 11, 27), "visited_on")],
                         ids=["before the discharge", "in the future"])
def test_a_visit_before_the_discharge_or_in_the_future_is_refused(store, site, staff, visited_on, field):
    plan = discharge(store, site)
    with pytest.raises(Invalid) as refused:
        add_follow_up_visit(store, staff, site, plan["_id"], {"visited_on": visited_on, "kind": "in_person"})
    assert list(refused.value.errors) == [field]


def test_a_visit_with_a_provider_not_in_the_directory_is_refused(store, site, staff):
    plan = discharge(store, site)
    with pytest.raises(Invalid) as refused:
        add_follow_up_visit(store, staff, site, plan["_id"], {"visited_on": date(2026, 10, 30), "kind": "in_person",
                                                              "provider_id": "nowhere"})
    assert list(refused.value.errors) == ["provider_id"]


def test_a_referral_the_provider_reports_completed_is_a_follow_up_visit_on_that_day(store, site, staff):
    plan = discharge(store, site)
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    for status in ("sent", "accepted", "scheduled", "completed"):
        move_referral(store, staff, site, referral["_id"], status)
    stored = store.plans.find_one({"_id": plan["_id"]})["follow_up"]
    # The pinned clock's day at the site: 2026-11-26, 31 days after the discharge.
    assert (stored["met_on"], stored["visit_log"][0]["source"]) == (date(2026, 11, 26), "referral")


# --- the discharge summary -----------------------------------------------------------------------------------


def test_the_plan_refers_to_the_summary_and_carries_its_unmet_objectives_as_goals(store, site):
    plan = discharge(store, site)
    drafted = summary_drafted(unmet=("obj-2", "obj-3"))
    follow_up.record_discharge_summary(store, cause_of(drafted), site, drafted)
    stored = store.plans.find_one({"_id": plan["_id"]})
    assert stored["discharge_summary"] == {"summary_id": "sum-1", "treatment_plan_id": "tp-1", "objectives_met": 1,
                                           "objectives_not_met": 2}
    assert [goal["objective_id"] for goal in stored["goals"]] == ["obj-2", "obj-3"]


def test_a_summary_drafted_before_the_plan_is_applied_when_the_plan_is_made(store, site):
    drafted = summary_drafted(unmet=("obj-2",))
    follow_up.record_discharge_summary(store, cause_of(drafted), site, drafted)
    plan = discharge(store, site)
    assert [goal["objective_id"] for goal in store.plans.find_one({"_id": plan["_id"]})["goals"]] == ["obj-2"]


def test_the_latest_drafted_summary_wins_whatever_order_they_arrive_in(store, site):
    plan = discharge(store, site)
    newer = summary_drafted("sum-2", unmet=("obj-9",), occurred_at=datetime(2026, 10, 27, tzinfo=timezone.utc))
    older = summary_drafted("sum-1", unmet=("obj-2",), occurred_at=datetime(2026, 10, 26, tzinfo=timezone.utc))
    for drafted in (newer, older):
        follow_up.record_discharge_summary(store, cause_of(drafted), site, drafted)
    assert store.plans.find_one({"_id": plan["_id"]})["discharge_summary"]["summary_id"] == "sum-2"


# --- the report ------------------------------------------------------------------------------------------------


def test_the_report_names_its_measure_as_this_projects_own_not_hedis_fuh(context):
    measure = reports.follow_up_report(context.store, context.sites, ["mpls"], date(2026, 10, 1),
                                       date(2026, 10, 31))["measure"]
    assert measure["id"] == "iop_follow_up" and "not HEDIS FUH" in measure["title"]


def test_deaths_and_transfers_to_a_higher_level_are_shown_as_exclusions_and_left_out_of_the_denominators(context, store,
                                                                                                          site, staff):
    plan = discharge(store, site)  # completed, followed up on day 4
    add_follow_up_visit(store, staff, site, plan["_id"], {"visited_on": date(2026, 10, 30), "kind": "in_person"})
    ended(store, site, "against_advice", enrollment_id="enr-2")  # never seen again
    ended(store, site, "death", enrollment_id="enr-3")
    ended(store, site, "transferred", step_down={"level_of_care": "php", "provider_id": None}, enrollment_id="enr-4")
    mpls = report(context)
    assert (mpls["discharges"], mpls["excluded"]) == (4, {"death": 1, "transfer_to_higher_level": 1})
    assert mpls["windows"][0] == {"days": 7, "numerator": 1, "denominator": 2, "open": 0, "rate": 0.5}
    assert (mpls["met_30"], mpls["eligible_30"], mpls["rate_30"]) == (1, 2, 0.5)
