"""The follow-up report clinic directors watch: per-site rates of follow-up within 7 and 30 days."""
from datetime import date

from services.aftercare.domain.follow_up import follow_up_rates, follow_up_status
from services.aftercare.store import AftercareStore
from shared.sites import Sites


def follow_up_report(store: AftercareStore, sites: Sites, site_ids: list[str], first: date, last: date) -> dict:
    """Discharges whose discharge day falls in ``first``..``last`` (inclusive), per site: counts of
    discharges and completions, and the share that had a follow-up visit within 7 and within 30
    days, each site's windows judged as of its own today."""
    return {"from_date": first, "to_date": last,
            "sites": [_site_rates(store, sites, site_id, first, last) for site_id in site_ids]}


def _site_rates(store: AftercareStore, sites: Sites, site_id: str, first: date, last: date) -> dict:
    today = sites.get(site_id).today()
    plans = store.plans.find({"site_id": site_id, "discharge_date": {"$gte": first, "$lte": last}},
                             projection={"outcome": 1, "discharge_date": 1, "follow_up": 1})
    measured = [{"outcome": plan["outcome"],
                 "follow_up": follow_up_status(plan["discharge_date"], plan["follow_up"]["visits"], today)}
                for plan in plans]
    return {"site_id": site_id, **follow_up_rates(measured)}
