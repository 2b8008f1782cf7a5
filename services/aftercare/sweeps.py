"""Timed sweeps the aftercare worker runs: overdue follow-ups and referrals waiting too long.

Everything a sweep decides is kept in the database (a flag on the plan, a mark on the referral,
tasks under derived ids), so a sweep may run any number of times, stop anywhere and restart:
it raises each overdue once. ``today`` is given in tests; by default each site's own today.
"""
import logging
from datetime import date, timedelta

from services.aftercare.domain import follow_up as follow_up_rules
from services.aftercare.domain import referrals as referral_rules
from services.aftercare.domain.tasks import follow_on_task
from services.aftercare.records import insert_task, task_document
from services.aftercare.referrals import TASK_MARKS, raise_referral_task
from services.aftercare.store import PLANS, REFERRALS, follow_up_escalation_task_id
from shared import clock
from shared.context import ServiceContext
from shared.http.fields import stored, stored_instant
from shared.outbox import modify
from shared.sites import Site

log = logging.getLogger(__name__)

FOLLOW_UP_WINDOW_DAYS = follow_up_rules.WINDOWS  # (7, 30)
# Business days a sent referral may wait for the provider's answer; a site may set its own.
ACCEPTANCE_OPTION = "aftercare_referral_acceptance_business_days"
DEFAULT_ACCEPTANCE_BUSINESS_DAYS = 5


def sweep_overdue_follow_ups(context: ServiceContext, today: date | None = None) -> int:
    """Raise aftercare.follow_up.overdue and a follow_up_escalation task for each window (7 and
    30 days) whose due date passed with no counting visit attended. Returns how many it raised."""
    raised = 0
    for site in context.sites.all():
        day = today or site.today()
        # A plan leaves the sweep once its follow-up is met or its last window was raised.
        for plan in context.db[PLANS].find({"site_id": site.id, "follow_up.met_on": None,
                                            f"follow_up.overdue.{FOLLOW_UP_WINDOW_DAYS[-1]}": None}):
            for window_days, due in overdue_windows(plan, day):
                raise_follow_up_overdue(context, site, plan, window_days, due, day)
                raised += 1
    return raised


def overdue_windows(plan: dict, today: date) -> list[tuple[int, date]]:
    """The windows of a plan that are overdue today and not raised yet, with their due dates.

    The 7-day window is due on the booked follow-up's day when there is one (a late booking
    moves it), else on day 7; the 30-day window on day 30."""
    discharge = date.fromisoformat(plan["discharge_date"])
    follow_up = plan["follow_up"]
    booked_day = date.fromisoformat(follow_up["due_date"]) if follow_up["due_date"] else None
    attended = follow_up["met_on"] is not None
    windows = []
    for window_days in FOLLOW_UP_WINDOW_DAYS:
        if str(window_days) in follow_up["overdue"]:
            continue
        due = booked_day if window_days == FOLLOW_UP_WINDOW_DAYS[0] and booked_day else discharge + timedelta(days=window_days)
        if follow_up_rules.overdue(discharge, due, attended, today):
            windows.append((window_days, due))
    return windows


def raise_follow_up_overdue(context: ServiceContext, site: Site, plan: dict, window_days: int, due: date,
                            today: date) -> None:
    """The escalation task first, then the flag on the plan with the overdue event: a crash between
    the two leaves the flag unset, and the next sweep finds the task there and sets the flag."""

    make_event = _events_following(context, site, plan["correlation_id"])
    task_id = follow_up_escalation_task_id(plan["_id"], window_days)
    task = follow_on_task("follow_up_escalation", today, site.calendar, lambda: task_id, clock.now(),
                          source={"plan_id": plan["_id"], "window_days": window_days})
    insert_task(context, task_document(task, site_id=site.id, patient_id=plan["patient_id"],
                                       enrollment_id=plan["enrollment_id"], plan_id=plan["_id"]), make_event)

    def flag(current):
        if str(window_days) in current["follow_up"]["overdue"]:
            return None
        overdue = {**current["follow_up"]["overdue"], str(window_days): stored(due)}
        return {"follow_up": {**current["follow_up"], "overdue": overdue}}, [make_event("aftercare.follow_up.overdue", {
            "plan_id": plan["_id"], "enrollment_id": plan["enrollment_id"], "patient_id": plan["patient_id"],
            "window_days": window_days, "due_date": due,
        })]

    modify(context.db[PLANS], {"_id": plan["_id"], "site_id": site.id}, flag)
    log.info("plan %s: follow-up within %d days overdue", plan["_id"], window_days)


def sweep_referrals(context: ServiceContext, today: date | None = None) -> int:
    """Open a referral_follow_up task for each sent referral not accepted within the site's number
    of business days, and a re_referral task for any declined referral whose task a crash left
    unwritten. Returns how many tasks it opened."""
    opened = 0
    for site in context.sites.all():
        day = today or site.today()
        business_days = int(site.options.get(ACCEPTANCE_OPTION, DEFAULT_ACCEPTANCE_BUSINESS_DAYS))

        waiting = context.db[REFERRALS].find({"site_id": site.id, "status": "sent", TASK_MARKS["referral_follow_up"]: None})
        for referral in waiting:
            # The deadline counts from the day it was sent at the site, not in UTC.
            local = {**referral, "sent_at": stored_instant(referral["sent_at"]).astimezone(site.zone)}
            if referral_rules.acceptance_overdue(local, day, site.calendar, business_days):
                raise_referral_task(context, site, referral, "referral_follow_up", day, _events_following(context, site, referral["correlation_id"]))
                opened += 1
        declined = context.db[REFERRALS].find({"site_id": site.id, "status": "declined", TASK_MARKS["re_referral"]: None})
        for referral in declined:
            raise_referral_task(context, site, referral, "re_referral", day, _events_following(context, site, referral["correlation_id"]))
            opened += 1
    return opened


def _events_following(context: ServiceContext, site: Site, correlation_id: str):
    """Events a sweep raises follow the correlation of what they are about (the discharge that made
    the plan, the request or discharge that made the referral), so an operator can trace them."""
    return lambda event_type, payload: context.event(event_type, payload, site_id=site.id, correlation_id=correlation_id)
