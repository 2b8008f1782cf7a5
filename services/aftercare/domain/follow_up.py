"""Follow-up after discharge, measured the way HEDIS FUH measures it, and the rates directors watch.

A follow-up visit counts for a window of N days when it falls on one of the N days after the
discharge: a visit on the discharge day itself does not count, a visit on day N does.

A plan's ``follow_up`` is derived from the enrollment's recorded facts (a booking, attended visits,
cancellations), whatever order they arrived in; the overdue sweep adds the windows it raised.
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from shared.events.aftercare import follow_up_overdue
from shared.events.codes import COMPLETED
from shared.events.registry import DomainEvent

WINDOWS = (7, 30)
DEFAULT_FOLLOW_UP_DAYS = 7

# What a plan knows of its follow-up visit before anything is booked or attended.
NO_FOLLOW_UP_YET = {"appointment_id": None, "starts_at": None, "late": False, "due_date": None,
                    "visits": [], "met_on": None, "overdue": {}}


def follow_up_status(discharge_date: date, attended_visit_dates: list[date], today: date) -> dict:
    """``{"within_7": ..., "within_30": ...}``: True once a counting visit was attended, False once
    the window closed without one, None while the window is still open and not yet met."""
    return {f"within_{days}": _window_status(discharge_date, attended_visit_dates, today, days) for days in WINDOWS}


def overdue(discharge_date: date, follow_up_due_date: date | None, attended: bool, today: date) -> bool:
    """No attended follow-up by its due date. The due date itself is still on time, since the
    visit may be later that day. Without a due date yet (nothing booked), the 7-day window is it."""
    if attended:
        return False
    due = follow_up_due_date or discharge_date + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    return today > due


def overdue_windows(plan: dict, today: date) -> list[tuple[int, date]]:
    """The windows of a plan that are overdue today and not raised yet, with their due dates.

    The 7-day window is due on the booked follow-up's day when there is one (a late booking
    moves it), else on day 7; the 30-day window on day 30."""
    discharge, follow_up = plan["discharge_date"], plan["follow_up"]
    attended = follow_up["met_on"] is not None
    windows = []
    for window_days in WINDOWS:
        if str(window_days) in follow_up["overdue"]:
            continue
        booked_day = follow_up["due_date"] if window_days == WINDOWS[0] else None
        due = booked_day or discharge + timedelta(days=window_days)
        if overdue(discharge, due, attended, today):
            windows.append((window_days, due))
    return windows


def flag_overdue(plan: dict, window_days: int, due: date) -> tuple[dict, list[DomainEvent]] | None:
    """The plan's flag that a window went overdue, with its aftercare.follow_up.overdue; None when
    the window was flagged already (the event is raised once per window)."""
    if str(window_days) in plan["follow_up"]["overdue"]:
        return None
    event = follow_up_overdue(plan_id=plan["_id"], enrollment_id=plan["enrollment_id"], patient_id=plan["patient_id"],
                              window_days=window_days, due_date=due)
    return {f"follow_up.overdue.{window_days}": due}, [event]


def follow_up_from_facts(plan: dict, facts: dict, zone: ZoneInfo) -> dict:
    """The plan's ``follow_up`` as the facts say: the booked appointment unless it was cancelled,
    every attended visit, and the first one that counts (after the discharge day, which does not)."""
    booking = facts.get("booking")
    if booking and booking["appointment_id"] in (facts.get("cancelled") or {}):
        booking = None
    visits = sorted(set((facts.get("visits") or {}).values()))
    counting = [visit for visit in visits if visit > plan["discharge_date"]]
    follow_up = {**plan["follow_up"], "visits": visits, "met_on": counting[0] if counting else None,
                 "appointment_id": None, "starts_at": None, "late": False, "due_date": None}
    if booking:
        follow_up.update({
            "appointment_id": booking["appointment_id"],
            "starts_at": booking["starts_at"],
            "late": booking["late"],
            # The booked day is the day the follow-up is due, and the day after it overdue.
            "due_date": booking["starts_at"].astimezone(zone).date(),
        })
    return follow_up


def booked_appointment(follow_up: dict) -> dict | None:
    """The appointment the plan's follow-up task is tied to, as the task shows it."""
    if not follow_up["appointment_id"]:
        return None
    return {"id": follow_up["appointment_id"], "starts_at": follow_up["starts_at"], "late": follow_up["late"]}


def is_later(new: dict, old: dict | None, id_field: str) -> bool:
    """Latest-wins by occurrence (ties broken by id), so the order of arrival does not matter; the
    same fact again counts as later, which rewrites what is already there."""
    if old is None:
        return True
    return (new["occurred_at"], new[id_field]) >= (old["occurred_at"], old[id_field])


def follow_up_rates(plans: list[dict]) -> dict:
    """Rates over plans that each carry ``outcome`` and ``follow_up`` as :func:`follow_up_status`
    returns it. A discharge enters a window's denominator once that window is decided (closed, or
    met early); a None still open is left out rather than counted as a miss.

    The caller computes ``follow_up`` as of the day of the report: a stale None leaves out a
    discharge whose window has since closed."""
    counts = {"completions": 0, "discharges": 0}
    for days in WINDOWS:
        counts[f"eligible_{days}"] = 0
        counts[f"met_{days}"] = 0
    for plan in plans:
        counts["discharges"] += 1
        if plan["outcome"] == COMPLETED:
            counts["completions"] += 1
        for days in WINDOWS:
            status = plan["follow_up"][f"within_{days}"]
            if status is not None:
                counts[f"eligible_{days}"] += 1
            if status is True:
                counts[f"met_{days}"] += 1
    rates = dict(counts)
    for days in WINDOWS:
        eligible = counts[f"eligible_{days}"]
        rates[f"rate_{days}"] = counts[f"met_{days}"] / eligible if eligible else None
    return rates


def _window_status(discharge_date: date, visits: list[date], today: date, days: int) -> bool | None:
    last_day = discharge_date + timedelta(days=days)
    if any(discharge_date < visit <= last_day for visit in visits):
        return True
    if today > last_day:
        return False
    return None
