"""The follow-up report read from its days (shared/day_rollups.py) gives what judging each plan
gives, on the database the tiers run against, for any mix of outcomes, step-downs, discharge days,
first visits and ranges; and plans stored before the days were kept (or before follow_up_days was)
count once the worker has swept."""
import uuid
from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from services.aftercare.domain.follow_up import (
    NO_FOLLOW_UP_YET,
    days_to_first_visit,
    exclusion_of,
    follow_up_rates,
    follow_up_status,
)
from services.aftercare.use_cases import reports
from shared import day_rollups
from shared.store import ROLLUP_PENDING, UNSET

SITE = "mpls"
OUTCOMES = ("completed", "against_advice", "death", "transferred")
STEP_DOWNS = (None, "outpatient_therapy", "php", "residential")
PLANS = st.lists(st.tuples(st.sampled_from(OUTCOMES), st.sampled_from(STEP_DOWNS),
                           st.integers(min_value=0, max_value=70),  # discharged this many days before today
                           st.one_of(st.none(), st.integers(min_value=1, max_value=45)),  # first visit, days after
                           st.booleans()),  # a visit on the discharge day too (it does not count)
                 max_size=25)
RANGES = st.tuples(st.integers(min_value=0, max_value=75), st.integers(min_value=0, max_value=75))


def stored_plan(today: date, outcome, step_down, days_before: int, first_visit, visit_on_discharge_day) -> dict:
    discharge = today - timedelta(days=days_before)
    visits = ([discharge] if visit_on_discharge_day else []) + \
        ([discharge + timedelta(days=first_visit)] if first_visit and discharge + timedelta(days=first_visit) <= today
         else [])
    counting = [visit for visit in visits if visit > discharge]
    follow_up = {**NO_FOLLOW_UP_YET, "visits": visits, "met_on": counting[0] if counting else None}
    plan = {"_id": str(uuid.uuid4()), "site_id": SITE, "enrollment_id": str(uuid.uuid4()), "outcome": outcome,
            "step_down_level_of_care": step_down, "discharge_date": discharge, "follow_up": follow_up}
    return {**plan, "follow_up_exclusion": exclusion_of(plan), "follow_up_days": days_to_first_visit(discharge, follow_up)}


def judged_plan_by_plan(plans: list[dict], today: date) -> dict:
    return follow_up_rates([{"outcome": plan["outcome"], "exclusion": exclusion_of(plan),
                             "follow_up": follow_up_status(plan["discharge_date"], plan["follow_up"]["visits"], today)}
                            for plan in plans])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=PLANS, bounds=RANGES)
# Each window's last open day and first closed day, with and without a visit on the window's last day.
@example(plans=[("completed", None, days_before, first_visit, False) for window in (7, 30)
                for days_before in (window, window + 1) for first_visit in (None, window)], bounds=(0, 40))
def test_the_report_from_its_days_is_the_report_judged_plan_by_plan(context, sites, plans, bounds):
    store = context.store
    store.plans.delete({})
    store.follow_up_report_entries.delete({})
    store.follow_up_report_days.delete({})
    today = sites.get(SITE).today()
    stored = [stored_plan(today, *plan) for plan in plans]
    for plan in stored:
        store.plans.insert(plan)
    first, last = today - timedelta(days=max(bounds)), today - timedelta(days=min(bounds))
    [rates] = reports.follow_up_report(store, sites, [SITE], first, last)["sites"]
    in_range = [plan for plan in stored if first <= plan["discharge_date"] <= last]
    assert rates == {"site_id": SITE, **judged_plan_by_plan(in_range, today)}


def test_plans_stored_before_the_days_were_kept_count_once_the_worker_has_swept(context, sites):
    store = context.store
    today = sites.get(SITE).today()
    met = stored_plan(today, "completed", None, 20, 3, False)
    unmet = stored_plan(today, "completed", None, 20, None, False)
    store.plans.insert(met)
    store.plans.insert(unmet)
    # As a release before follow_up_days wrote it, and before the report kept its days: no flag.
    store.plans.modify({"_id": met["_id"]}, lambda plan: ({"follow_up_days": UNSET}, []))
    store.plans.raw.update_many({}, {"$unset": {ROLLUP_PENDING: ""}})
    month = (today - timedelta(days=30), today)
    [before] = reports.follow_up_report(store, sites, [SITE], *month)["sites"]
    assert before["discharges"] == 0
    day_rollups.sweep(store)
    [rates] = reports.follow_up_report(store, sites, [SITE], *month)["sites"]
    assert (rates["met_7"], rates["eligible_7"], rates["open_7"]) == (1, 2, 0)
