"""Timed sweeps the aftercare worker runs: overdue follow-ups and referrals waiting too long.

Everything a sweep decides is kept in the database (a flag on the plan, a mark on the referral,
tasks under derived ids), so a sweep may run any number of times, stop anywhere and restart:
it raises each overdue once. ``today`` is given in tests; by default each site's own today.
Events a sweep raises follow the correlation of what they are about (the discharge that made the
plan, the request or discharge that made the referral), so an operator can trace them.
"""
import logging
from datetime import date

from services.aftercare.domain import follow_up as follow_up_rules
from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.site_settings import acceptance_business_days
from services.aftercare.domain.tasks import Subject, follow_on_task, open_task
from services.aftercare.store import AftercareStore, follow_up_escalation_task_id
from services.aftercare.use_cases.referrals import raise_referral_task, record_sending
from shared import clock
from shared.cause import Cause
from shared.sites import Site, Sites

log = logging.getLogger(__name__)

# Due dates are days, so a few minutes' delay is invisible; the state lives in the database, so a
# restart simply sweeps again.
SWEEP_INTERVAL_SECONDS = 300


def sweep_overdue_follow_ups(store: AftercareStore, sites: Sites, actor: str, today: date | None = None) -> int:
    """Raise aftercare.follow_up.overdue and a follow_up_escalation task for each window (7 and
    30 days) whose due date passed with no counting visit attended. Returns how many it raised."""
    raised = 0
    last_window = follow_up_rules.WINDOWS[-1]
    for site in sites.all():
        day = today or site.today()
        # A plan leaves the sweep once its follow-up is met or its last window was raised.
        for plan in store.plans.each({"site_id": site.id, "follow_up.met_on": None,
                                      f"follow_up.overdue.{last_window}": None}):
            cause = Cause(site.id, plan["correlation_id"], actor=actor)
            for window_days, due in follow_up_rules.overdue_windows(plan, day):
                raise_follow_up_overdue(store, cause, site, plan, window_days, due, day)
                raised += 1
    return raised


def raise_follow_up_overdue(store: AftercareStore, cause: Cause, site: Site, plan: dict, window_days: int,
                            due: date, today: date) -> None:
    """The escalation task first, then the flag on the plan with the overdue event: a crash between
    the two leaves the flag unset, and the next sweep finds the task there and sets the flag."""
    task = follow_on_task("follow_up_escalation", today, site.calendar,
                          follow_up_escalation_task_id(plan["_id"], window_days), clock.now(),
                          source={"plan_id": plan["_id"], "window_days": window_days})
    task, events = open_task(Subject.of_plan(plan), task)
    store.tasks.insert_once(task, events, cause)
    store.plans.modify({"_id": plan["_id"], "site_id": site.id},
                       lambda current: follow_up_rules.flag_overdue(current, window_days, due), cause)
    log.info("plan %s: follow-up within %d days overdue", plan["_id"], window_days)


def sweep_referrals(store: AftercareStore, sites: Sites, actor: str, today: date | None = None) -> int:
    """Open a referral_follow_up task for each sent referral not accepted within the site's number
    of business days, and a re_referral task for any declined referral whose task a crash left
    unwritten; write any sending a crash left out of the accounting of disclosures. Returns how
    many tasks it opened."""
    opened = 0
    for site in sites.all():
        day = today or site.today()
        for referral in _referrals_owing(store, site, "sent", "referral_follow_up"):
            # The deadline counts from the day it was sent at the site, not in UTC.
            local = {**referral, "sent_at": referral["sent_at"].astimezone(site.zone)}
            if referral_rules.acceptance_overdue(local, day, site.calendar, acceptance_business_days(site)):
                raise_referral_task(store, Cause(site.id, referral["correlation_id"], actor=actor), site, referral,
                                    "referral_follow_up", day)
                opened += 1
        for referral in _referrals_owing(store, site, "declined", "re_referral"):
            raise_referral_task(store, Cause(site.id, referral["correlation_id"], actor=actor), site, referral,
                                "re_referral", day)
            opened += 1
        # A sending a crash kept out of the accounting of disclosures is written now.
        for referral in store.referrals.each({"site_id": site.id, "sent_disclosure.recorded": False}):
            record_sending(store, site, referral)
    return opened


def _referrals_owing(store: AftercareStore, site: Site, status: str, kind: str) -> list[dict]:
    """The site's referrals in ``status`` that do not carry the mark of their ``kind`` task yet."""
    return store.referrals.find({"site_id": site.id, "status": status, referral_rules.TASK_MARKS[kind]: None})
