"""The follow-up report counted by the database gives what judging each plan gives, on the database
the tiers run against, for any mix of outcomes, step-downs, discharge days, first visits and ranges;
and a range holding plans older than the counted fields is judged plan by plan."""
import uuid
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.aftercare.domain.follow_up import NO_FOLLOW_UP_YET, days_to_first_visit, exclusion_of
from services.aftercare.use_cases import reports
from shared.store import UNSET

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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=PLANS, bounds=RANGES)
def test_the_counted_report_is_the_report_judged_plan_by_plan(context, sites, plans, bounds):
    store = context.store
    store.plans.delete({})
    today = sites.get(SITE).today()
    for plan in plans:
        store.plans.insert(stored_plan(today, *plan))
    first, last = today - timedelta(days=max(bounds)), today - timedelta(days=min(bounds))
    in_range = {"site_id": SITE, "discharge_date": {"$gte": first, "$lte": last}}
    discharges = store.plans.count(in_range)
    assert discharges == sum(first <= today - timedelta(days=plan[2]) <= last for plan in plans)
    counted = reports._rates_counted(store, SITE, first, last, today)
    assert counted == reports._rates_plan_by_plan(store, in_range, today)


def test_a_range_with_a_plan_older_than_the_counted_fields_is_judged_plan_by_plan(context, sites):
    store = context.store
    today = sites.get(SITE).today()
    met = stored_plan(today, "completed", None, 20, 3, False)
    unmet = stored_plan(today, "completed", None, 20, None, False)
    store.plans.insert(met)
    store.plans.insert(unmet)
    # As a release before follow_up_days wrote it: the counted path would miss its visit.
    store.plans.modify({"_id": met["_id"]}, lambda plan: ({"follow_up_days": UNSET}, []))
    [rates] = reports.follow_up_report(store, sites, [SITE], today - timedelta(days=30), today)["sites"]
    assert (rates["met_7"], rates["eligible_7"], rates["open_7"]) == (1, 2, 0)
