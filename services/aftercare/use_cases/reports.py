"""The reports operators watch: iop_follow_up, per-site rates of follow-up within 7 and 30 days
after an IOP discharge (this project's own measure, not HEDIS FUH: see domain/follow_up.py), and
the case-management tasks still open and overdue per site and kind."""
from datetime import date

from services.aftercare.domain.follow_up import MEASURE, rates_from_days
from services.aftercare.domain.tasks import TASK_KINDS, counts_from_days
from services.aftercare.store import AftercareStore
from shared.day_rollups import days_between, days_with
from shared.sites import Sites


def follow_up_report(store: AftercareStore, sites: Sites, site_ids: list[str], first: date, last: date) -> dict:
    """Discharges whose discharge day falls in ``first``..``last`` (inclusive), per site: the
    numerator, denominator, open windows and rate of each window, and the discharges excluded
    (deaths, transfers to a higher level of care), each site's windows judged as of its own today.
    Read from the report's days (one document per site and discharge day, kept from every write
    of a plan), so that a range costs its number of days, not the size of the site."""
    return {"measure": MEASURE, "from_date": first, "to_date": last,
            "sites": [_site_rates(store, sites, site_id, first, last) for site_id in site_ids]}


def _site_rates(store: AftercareStore, sites: Sites, site_id: str, first: date, last: date) -> dict:
    days = days_between(store, store.FOLLOW_UP_REPORT, site_id, first, last)
    return {"site_id": site_id, **rates_from_days(days, sites.get(site_id).today())}


def task_report(store: AftercareStore, sites: Sites, site_ids: list[str]) -> dict:
    """Per site, as of its own today: the tasks still asking something of someone (open or
    assigned) and, of those, the overdue ones (due before today), in all and per kind; every kind
    is listed, with zeros, in the order of the task kinds. Read from the report's due days that
    still hold an active task (kept from every write of a task), so that it costs the number of
    such days, not the size of the site."""
    return {"sites": [_site_tasks(store, sites, site_id) for site_id in site_ids]}


def _site_tasks(store: AftercareStore, sites: Sites, site_id: str) -> dict:
    today = sites.get(site_id).today()
    counted = counts_from_days(days_with(store, store.TASK_REPORT, site_id, {"active": {"$gt": 0}}), today)
    kinds = [*TASK_KINDS, *sorted(set(counted) - set(TASK_KINDS))]  # a kind retired since still counts
    by_kind = [{"kind": kind, "open": counted.get(kind, {}).get("open", 0),
                "overdue": counted.get(kind, {}).get("overdue", 0)} for kind in kinds]
    return {"site_id": site_id, "as_of": today, "open": sum(row["open"] for row in by_kind),
            "overdue": sum(row["overdue"] for row in by_kind), "by_kind": by_kind}
