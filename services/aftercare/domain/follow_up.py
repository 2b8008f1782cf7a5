"""Follow-up after discharge, measured the way HEDIS FUH measures it, and the rates directors watch.

A follow-up visit counts for a window of N days when it falls on one of the N days after the
discharge: a visit on the discharge day itself does not count, a visit on day N does.
"""
from datetime import date, timedelta

WINDOWS = (7, 30)
DEFAULT_FOLLOW_UP_DAYS = 7


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
        if plan["outcome"] == "completed":
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
