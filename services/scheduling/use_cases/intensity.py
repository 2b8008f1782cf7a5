"""The intensity sweep the scheduling worker runs: finished weeks whose attended hours stayed below
the program's weekly minimum raise ``scheduling.intensity.below_minimum`` (domain/intensity.py).

What the sweep decided lives on each schedule (the weeks raised), written with the event in one
write, so the sweep may run any number of times, stop anywhere and restart: it raises each
enrollment-week once. ``today`` is given in tests; by default each site's own today. Events follow
the correlation of the admission that made the schedule.
"""
import logging
import uuid
from datetime import date, timedelta

from services.scheduling.domain.intensity import LOOKBACK, RAISED, weeks_below_minimum
from services.scheduling.domain.program_plans import program_plan
from services.scheduling.store import SchedulingStore
from shared.cause import Cause
from shared.sites import Site, Sites

log = logging.getLogger(__name__)

# Weeks end at midnight on Sunday, site time; a few minutes' delay is invisible, and the state lives
# in the database, so a restart simply sweeps again.
SWEEP_INTERVAL_SECONDS = 300


def sweep_intensity(store: SchedulingStore, sites: Sites, actor: str, today: date | None = None) -> int:
    """Raise scheduling.intensity.below_minimum for each finished week below its minimum, once per
    enrollment and week, at every site. Returns how many were raised."""
    raised = 0
    for site in sites.all():
        raised += _sweep_site(store, site, actor, today or site.today())
    return raised


def _sweep_site(store: SchedulingStore, site: Site, actor: str, today: date) -> int:
    # A schedule whose planned end lies before the oldest week still judged has nothing left to raise.
    horizon = today - LOOKBACK - timedelta(weeks=1)
    minimums: dict[str, int] = {}

    def minimum_minutes(program: str) -> int:
        if program not in minimums:
            minimums[program] = program_plan(program, site).minimum_weekly_minutes
        return minimums[program]

    raised = 0
    for schedule in store.schedules.each({"site_id": site.id, "planned_end_date": {"$gte": horizon}}):
        if weeks_below_minimum(schedule, today, minimum_minutes) is None:
            continue
        cause = Cause(site.id, schedule.get("correlation_id") or str(uuid.uuid4()), actor=actor)
        before = len(schedule.get(RAISED) or [])
        written = store.schedules.modify({"_id": schedule["_id"], "site_id": site.id},
                                         lambda current: weeks_below_minimum(current, today, minimum_minutes), cause)
        newly = len(written.get(RAISED) or []) - before if written is not None else 0
        if newly > 0:
            log.info("enrollment %s: %d week(s) below the weekly minimum", schedule["enrollment_id"], newly)
            raised += newly
    return raised
