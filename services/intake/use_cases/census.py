"""The census: enrollments active now by program, admissions by program and discharges by
outcome over a date range, per site.

Counted by the database (a ``$group`` each, which the embedded stand-in runs in SQL): the
enrollments active now by program, admissions in the range by the program admitted to, discharges
in the range by outcome. Enrollments stored before ``admitted_program`` was kept are read and
counted here by their first period.
"""
from collections import Counter
from datetime import date

from services.intake.domain import census as rules
from services.intake.domain.enrollments import ACTIVE
from services.intake.store import IntakeStore
from shared.sites import Site


def census(store: IntakeStore, sites: list[Site], start: date | None = None, end: date | None = None) -> dict:
    """The census of each site; the range defaults to the last 30 days up to each site's today
    (both ends included). ``Invalid`` ({"from": ...}) for a range that ends before it starts or
    spans more than a year."""
    return {"sites": [_site_census(store, site, start, end) for site in sites]}


def _site_census(store: IntakeStore, site: Site, start: date | None, end: date | None) -> dict:
    start, end = rules.census_range(site.today(), start, end)
    at_site, in_range = {"site_id": site.id}, {"$gte": start, "$lte": end}
    active = store.enrollments.count_by({**at_site, "status": ACTIVE}, "program")
    admitted_in_range = {**at_site, "start_date": in_range}
    admitted = Counter(store.enrollments.count_by(admitted_in_range, "admitted_program"))
    if admitted.pop(None, 0):
        stored_before = store.enrollments.find({**admitted_in_range, "admitted_program": None},
                                               projection={"program": 1, "periods": 1})
        admitted.update(map(rules.admitted_program, stored_before))
    discharged = store.enrollments.count_by({**at_site, "discharge.date": in_range}, "outcome")
    counts = rules.census(site.programs, active, admitted, discharged)
    return {"site_id": site.id, "from": start, "to": end, **counts}
