"""The reports operators watch: iop_follow_up, per-site rates of follow-up within 7 and 30 days
after an IOP discharge (this project's own measure, not HEDIS FUH: see domain/follow_up.py), and
the case-management tasks still open and overdue per site and kind."""
from datetime import date, timedelta

from services.aftercare.domain.follow_up import (
    MEASURE,
    WINDOWS,
    exclusion_of,
    follow_up_rates,
    follow_up_status,
    rates_from_tallies,
)
from services.aftercare.domain.tasks import ACTIVE_STATUSES, TASK_KINDS
from services.aftercare.store import AftercareStore
from shared.events.codes import COMPLETED
from shared.sites import Sites


def follow_up_report(store: AftercareStore, sites: Sites, site_ids: list[str], first: date, last: date) -> dict:
    """Discharges whose discharge day falls in ``first``..``last`` (inclusive), per site: the
    numerator, denominator, open windows and rate of each window, and the discharges excluded
    (deaths, transfers to a higher level of care), each site's windows judged as of its own today."""
    return {"measure": MEASURE, "from_date": first, "to_date": last,
            "sites": [_site_rates(store, sites, site_id, first, last) for site_id in site_ids]}


def _site_rates(store: AftercareStore, sites: Sites, site_id: str, first: date, last: date) -> dict:
    today = sites.get(site_id).today()
    in_range = {"site_id": site_id, "discharge_date": {"$gte": first, "$lte": last}}
    # Plans written before follow_up_days was kept (grouped under None) are judged one by one, as they always were.
    if None in store.plans.count_by(in_range, "follow_up_days"):
        return {"site_id": site_id, **_rates_plan_by_plan(store, in_range, today)}
    return {"site_id": site_id, **_rates_counted(store, site_id, first, last, today)}


def _rates_counted(store: AftercareStore, site_id: str, first: date, last: date, today: date) -> dict:
    """The report counted by the database in a few aggregations whatever the number of plans: the
    range's plans per exclusion, and the counted ones per follow_up_days (a window of N days is met
    when 1 <= follow_up_days <= N), in the whole range and in the part whose windows have closed
    (discharged before today - N)."""
    def in_range(high: date, **conditions) -> dict:
        return {"site_id": site_id, "discharge_date": {"$gte": first, "$lte": high}, **conditions}

    def met(days_histogram: dict, days: int) -> int:
        return sum(count for value, count in days_histogram.items() if 1 <= value <= days)

    by_exclusion = store.plans.count_by(in_range(last), "follow_up_exclusion")
    counted = {"follow_up_exclusion": {"$eq": None}}
    every_day = store.plans.count_by(in_range(last, **counted), "follow_up_days")
    windows = {}
    for days in WINDOWS:
        closed_until = min(last, today - timedelta(days=days + 1))
        closed = store.plans.count_by(in_range(closed_until, **counted), "follow_up_days") if closed_until >= first else {}
        numerator = met(every_day, days)
        # Decided: met (even early, window still open), or closed without a visit in time.
        denominator = numerator + sum(closed.values()) - met(closed, days)
        windows[days] = {"numerator": numerator, "denominator": denominator,
                         "open": sum(every_day.values()) - denominator}
    return rates_from_tallies(sum(by_exclusion.values()), store.plans.count(in_range(last, outcome=COMPLETED)),
                              by_exclusion, windows)


def _rates_plan_by_plan(store: AftercareStore, in_range: dict, today: date) -> dict:
    plans = store.plans.find(in_range, projection={"outcome": 1, "discharge_date": 1, "follow_up": 1,
                                                   "step_down_level_of_care": 1})
    return follow_up_rates([{"outcome": plan["outcome"], "exclusion": exclusion_of(plan),
                             "follow_up": follow_up_status(plan["discharge_date"], plan["follow_up"]["visits"], today)}
                            for plan in plans])


def task_report(store: AftercareStore, sites: Sites, site_ids: list[str]) -> dict:
    """Per site, as of its own today: the tasks still asking something of someone (open or
    assigned) and, of those, the overdue ones (due before today), in all and per kind. Counted by
    the database; every kind is listed, with zeros, in the order of the task kinds."""
    return {"sites": [_site_tasks(store, sites, site_id) for site_id in site_ids]}


def _site_tasks(store: AftercareStore, sites: Sites, site_id: str) -> dict:
    today = sites.get(site_id).today()
    counted = {row["kind"]: row for row in store.task_counts(site_id, sorted(ACTIVE_STATUSES), today)}
    kinds = [*TASK_KINDS, *sorted(set(counted) - set(TASK_KINDS))]  # a kind retired since still counts
    by_kind = [{"kind": kind, "open": counted.get(kind, {}).get("open", 0),
                "overdue": counted.get(kind, {}).get("overdue", 0)} for kind in kinds]
    return {"site_id": site_id, "as_of": today, "open": sum(row["open"] for row in by_kind),
            "overdue": sum(row["overdue"] for row in by_kind), "by_kind": by_kind}
