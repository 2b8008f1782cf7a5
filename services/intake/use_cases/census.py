"""The census: enrollments active now by program, admissions by program and discharges by
outcome over a date range, per site.

Admissions and discharges are read from the census's days (one document per site and day, an
entry per enrollment: domain/census.py), kept by ``shared.day_rollups`` from every write of an
enrollment, so that a range costs its number of days, not the size of the site; the census settles
its site's pending enrollments before it counts. The enrollments active now are counted by the
database (a ``$group`` on the site's active ones), which costs the number of patients in the
programs now, not the site's history.
"""
from datetime import date

from services.intake.domain import census as rules
from services.intake.domain.enrollments import ACTIVE
from services.intake.store import IntakeStore
from shared.day_rollups import days_between
from shared.sites import Site


def census(store: IntakeStore, sites: list[Site], start: date | None = None, end: date | None = None) -> dict:
    """The census of each site; the range defaults to the last 30 days up to each site's today
    (both ends included). ``Invalid`` ({"from": ...}) for a range that ends before it starts or
    spans more than a year."""
    return {"sites": [_site_census(store, site, start, end) for site in sites]}


def _site_census(store: IntakeStore, site: Site, start: date | None, end: date | None) -> dict:
    start, end = rules.census_range(site.today(), start, end)
    days = days_between(store, store.CENSUS, site.id, start, end)
    active = store.enrollments.count_by({"site_id": site.id, "status": ACTIVE}, "program")
    counts = rules.census(site.programs, active, rules.tally(days, "admitted"), rules.tally(days, "discharged"))
    return {"site_id": site.id, "from": start, "to": end, **counts}
