"""Timed sweeps the treatment worker runs: plans and reviews falling due, notes left unsigned.

Everything a sweep decides is kept in the database (the due date raised on the plan or the
enrollment, the instant an overdue note was raised), so a sweep may run any number of times, stop
anywhere and restart: it raises each once. ``today``/``now`` are given in tests; by default each
site's own today and the clock. Events a sweep raises follow the correlation of what they are
about (the admission, the plan's drafting, the attendance that opened the note).
"""
import logging
import uuid
from collections import defaultdict
from datetime import date, datetime

from services.treatment.domain import enrollments as enrollment_rules
from services.treatment.domain import notes as note_rules
from services.treatment.domain import plans as plan_rules
from services.treatment.domain.site_settings import settings_for
from services.treatment.store import TreatmentStore
from services.treatment.use_cases.plans import supersede_older_versions
from shared import clock
from shared.cause import Cause
from shared.sites import Site, Sites

log = logging.getLogger(__name__)

# Plans fall due by the day and notes by the hour, so a few minutes' delay is invisible; the state
# lives in the database, so a restart simply sweeps again.
SWEEP_INTERVAL_SECONDS = 300


def sweep_plans_due(store: TreatmentStore, sites: Sites, actor: str, today: date | None = None) -> int:
    """Raise treatment.plan.review_due for each enrollment still in the program whose first plan is
    due and not in force, and each plan in force whose review is due and not done. Returns how many."""
    raised = 0
    for site in sites.all():
        day = today or site.today()
        enrollments = store.enrollments.find({"site_id": site.id, "status": enrollment_rules.ACTIVE})
        versions = defaultdict(list)
        for plan in store.plans.find({"site_id": site.id, "status": {"$in": [plan_rules.DRAFT, plan_rules.ACTIVE]}}):
            versions[plan["enrollment_id"]].append(plan)
        for enrollment in enrollments:
            raised += _sweep_enrollment(store, site, actor, day, enrollment, versions[enrollment["enrollment_id"]])
    return raised


def _sweep_enrollment(store: TreatmentStore, site: Site, actor: str, day: date, enrollment: dict,
                      plans: list[dict]) -> int:
    plan = plan_rules.in_force(plans)
    if plan is not None:
        cause = _cause(site, plan, actor)
        # Repairs an activation whose superseding write was interrupted.
        supersede_older_versions(store, cause, plan)
        written = store.plans.modify({"_id": plan["_id"], "site_id": site.id},
                                     lambda current: plan_rules.raise_review_due(current, day), cause)
        return int(written is not None and written["review_due_raised"] != plan["review_due_raised"])
    drafts = sorted((version for version in plans if version["status"] == plan_rules.DRAFT),
                    key=lambda version: version["plan_version"])
    draft_id = drafts[-1]["_id"] if drafts else None
    days = settings_for(site).first_plan_due_days
    written = store.enrollments.modify(
        {"_id": enrollment["_id"], "site_id": site.id},
        lambda current: enrollment_rules.raise_initial_plan_due(current, day, days, False, draft_id),
        _cause(site, enrollment, actor))
    newly = written is not None and written["initial_plan_due_raised"] != enrollment["initial_plan_due_raised"]
    if newly:
        log.info("enrollment %s: first treatment plan due %s", enrollment["enrollment_id"], written["initial_plan_due_raised"])
    return int(newly)


def sweep_overdue_notes(store: TreatmentStore, sites: Sites, actor: str, now: datetime | None = None) -> int:
    """Raise treatment.note.overdue once for each draft note still unsigned after it was due."""
    now = now or clock.now()
    raised = 0
    for site in sites.all():
        for note in store.notes.each({"site_id": site.id, "status": note_rules.DRAFT, "overdue_raised_at": None}):
            if note["due_at"] >= now:
                continue
            written = store.notes.modify({"_id": note["_id"], "site_id": site.id},
                                         lambda current: note_rules.raise_overdue(current, now), _cause(site, note, actor))
            if written is not None and written["overdue_raised_at"] is not None:
                log.info("note %s overdue since %s", note["_id"], note["due_at"].isoformat())
                raised += 1
    return raised


def _cause(site: Site, document: dict, actor: str) -> Cause:
    return Cause(site.id, document.get("correlation_id") or str(uuid.uuid4()), actor=actor)
