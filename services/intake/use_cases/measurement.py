"""The measurement sweep the intake worker runs: a PHQ-9 re-measurement the program's cadence asked for
and missed raises ``intake.measurement.overdue`` once per due date (aftercare turns it into a task).

Everything the sweep decides is kept on the enrollment (the due dates raised), so it may run any
number of times, stop anywhere and restart. ``today`` is given in tests; by default each site's own.
"""
import logging
import uuid
from datetime import date

from services.intake.domain import measurement as rules
from services.intake.domain.assessments import local_date
from services.intake.domain.enrollments import ACTIVE
from services.intake.domain.site_settings import phq9_every_weeks
from services.intake.store import IntakeStore
from services.intake.use_cases.assessments import episode_of
from shared.cause import Cause
from shared.sites import Site, Sites

log = logging.getLogger(__name__)

# Re-measurement falls due by the day, so a few minutes' delay is invisible.
SWEEP_INTERVAL_SECONDS = 300


def sweep_overdue_measurements(store: IntakeStore, sites: Sites, actor: str, today: date | None = None) -> int:
    """Raise intake.measurement.overdue for each active enrollment, in a program with a PHQ-9
    cadence, whose next PHQ-9 is past due; returns how many were raised."""
    raised = 0
    for site in sites.all():
        with_cadence = [code for code, program in site.programs.items() if phq9_every_weeks(program)]
        if not with_cadence:
            continue
        day = today or site.today()
        for enrollment in store.enrollments.each({"site_id": site.id, "status": ACTIVE,
                                                  "program": {"$in": with_cadence}}):
            raised += _sweep_enrollment(store, site, actor, day, enrollment)
    return raised


def _sweep_enrollment(store: IntakeStore, site: Site, actor: str, day: date, enrollment: dict) -> int:
    every = phq9_every_weeks(site.programs.get(enrollment["program"]))
    last = last_phq9_day(store, site, enrollment)
    cause = Cause(site.id, str(uuid.uuid4()), actor=actor)
    written = store.enrollments.modify({"_id": enrollment["_id"], "site_id": site.id},
                                       lambda current: rules.raise_overdue(current, every, last, day), cause)
    newly = written is not None and len(written.get("measurement_overdue") or []) > len(
        enrollment.get("measurement_overdue") or [])
    if newly:
        log.info("enrollment %s: PHQ-9 due %s not recorded", enrollment["_id"],
                 written["measurement_overdue"][-1]["due_date"].isoformat())
    return int(newly)


def last_phq9_day(store: IntakeStore, site: Site, enrollment: dict) -> date | None:
    """The site-local day of the episode's last PHQ-9 (the pre-admission evaluation included), or None."""
    episode = episode_of(site, enrollment)
    history = store.assessments.find({"site_id": site.id, "patient_id": enrollment["patient_id"],
                                      "instrument": rules.PHQ_9}, sort=[("administered_at", -1)],
                                     projection={"administered_at": 1, "enrollment_id": 1})
    latest = next((assessment for assessment in history if episode.holds(assessment, site.zone)), None)
    return local_date(latest["administered_at"], site.zone) if latest else None
