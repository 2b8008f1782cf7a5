"""The census: enrollments active now by program, admissions by program and discharges by
outcome over a date range, per site.

The enrollments active now, which grow with the site, are counted by the database (a ``$group``,
which the embedded stand-in runs in SQL); admissions and discharges are read for the range only
(at most a year, with projections) because an admission counts under its first period's program.
"""
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
    admitted = store.enrollments.find({**at_site, "start_date": in_range}, projection={"program": 1, "periods": 1})
    discharged = store.enrollments.find({**at_site, "discharge.date": in_range}, projection={"outcome": 1})
    counts = rules.census(site.programs, active, map(rules.admitted_program, admitted),
                          (e["outcome"] for e in discharged))
    return {"site_id": site.id, "from": start, "to": end, **counts}
