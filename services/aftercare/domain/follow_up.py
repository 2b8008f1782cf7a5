"""Follow-up after an IOP discharge, and the rates clinic directors watch: ``iop_follow_up``.

This is the project's own measure, NOT HEDIS FUH. It borrows FUH's windows (a visit within 7 and
within 30 days after discharge, the discharge day itself not counting), but FUH starts from an
inpatient stay or ED visit for mental illness and counts an IOP visit as the follow-up; here the
IOP is what was left. What counts here is a visit with any provider after an IOP discharge:

- the follow-up appointment scheduling booked, attended (scheduling.appointment.attended);
- a referral the receiving provider reports as completed (its completion day);
- a follow-up visit staff record on the plan (POST /plans/{id}/follow-up-visits).

Left out of the denominator (and shown as exclusions): deaths, and transfers to a higher level of
care (partial hospitalization, residential), where the patient is still in treatment.

A follow-up visit counts for a window of N days when it falls on one of the N days after the
discharge: a visit on the discharge day itself does not count, a visit on day N does.

A plan's ``follow_up`` is derived from the enrollment's recorded facts (a booking, attended visits,
visits recorded by staff, completed referrals, cancellations), whatever order they arrived in; the
overdue sweep adds the windows it raised.
"""
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.errors import Invalid
from shared.events.aftercare import follow_up_overdue
from shared.events.codes import COMPLETED
from shared.events.registry import DomainEvent

MEASURE = {
    "id": "iop_follow_up",
    "title": "Follow-up within 7 and 30 days after an IOP discharge (this project's measure, not HEDIS FUH)",
    "description": (
        "Share of IOP discharges with a visit with any provider (an attended follow-up appointment, a referral "
        "the receiving provider reported completed, or a visit recorded by staff) within 7 and within 30 days "
        "after the discharge day; a visit on the discharge day does not count. Deaths and transfers to a higher "
        "level of care (PHP, residential) are excluded from the denominator. A window still open and not yet met "
        "is left out until it closes. Not HEDIS FUH, which starts from inpatient and emergency discharges and "
        "counts an IOP visit as the follow-up."),
}
# Levels of care above an IOP: a transfer there is continued treatment, not a discharge to follow up.
HIGHER_LEVELS_OF_CARE = ("php", "residential")
EXCLUSIONS = ("death", "transfer_to_higher_level")
# What a follow-up visit recorded by staff was.
VISIT_KINDS = ("in_person", "telehealth", "telephone", "other")
VISIT_SOURCES = ("appointment", "referral", "staff")

WINDOWS = (7, 30)
DEFAULT_FOLLOW_UP_DAYS = 7

# What a plan knows of its follow-up visit before anything is booked or attended.
NO_FOLLOW_UP_YET = {"appointment_id": None, "starts_at": None, "late": False, "due_date": None,
                    "visits": [], "visit_log": [], "met_on": None, "overdue": {}}


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
    if exclusion_of(plan):
        return []  # a death, a transfer to a higher level of care: nothing to chase
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


def measure_exclusion(outcome: str, step_down_level_of_care: str | None) -> str | None:
    """Why a discharge is left out of the iop_follow_up denominator: ``death``,
    ``transfer_to_higher_level``, or None when it counts."""
    if outcome == "death":
        return "death"
    if outcome == "transferred" and step_down_level_of_care in HIGHER_LEVELS_OF_CARE:
        return "transfer_to_higher_level"
    return None


def exclusion_of(plan: dict) -> str | None:
    """A plan's exclusion from the measure, from its outcome and step-down level of care."""
    return measure_exclusion(plan["outcome"], plan.get("step_down_level_of_care"))


def visit_log(facts: dict) -> list[dict]:
    """Every visit the facts record, from every source, in the order they happened."""
    log = [{"on": day, "source": "appointment", "id": appointment_id}
           for appointment_id, day in (facts.get("visits") or {}).items()]
    log += [{"on": day, "source": "referral", "id": referral_id}
            for referral_id, day in (facts.get("referral_visits") or {}).items()]
    log += [{"on": visit["visited_on"], "source": "staff", "id": visit_id, "kind": visit["kind"],
             "provider_id": visit.get("provider_id")}
            for visit_id, visit in (facts.get("recorded_visits") or {}).items()]
    return sorted(log, key=lambda visit: (visit["on"], visit["source"], visit["id"]))


def recorded_visit(plan: dict, visited_on: date, kind: str, provider_id: str | None, today: date, by: str,
                   recorded_at: datetime) -> dict:
    """A follow-up visit staff record on a plan: on or after the discharge day (the discharge day
    itself is kept but does not count), never in the future."""
    errors = {}
    if kind not in VISIT_KINDS:
        errors["kind"] = [f"Must be one of {', '.join(VISIT_KINDS)}."]
    if visited_on < plan["discharge_date"]:
        errors["visited_on"] = [f"A follow-up visit is on or after the discharge day ({plan['discharge_date']})."]
    elif visited_on > today:
        errors["visited_on"] = ["Must not be in the future: record a visit once it happened."]
    if errors:
        raise Invalid(errors)
    return {"visited_on": visited_on, "kind": kind, "provider_id": provider_id, "recorded_by": by,
            "recorded_at": recorded_at}


def follow_up_from_facts(plan: dict, facts: dict, zone: ZoneInfo) -> dict:
    """The plan's ``follow_up`` as the facts say: the booked appointment unless it was cancelled,
    every visit from any source, and the first one that counts (after the discharge day, which does not)."""
    booking = facts.get("booking")
    if booking and booking["appointment_id"] in (facts.get("cancelled") or {}):
        booking = None
    log = visit_log(facts)
    visits = sorted({visit["on"] for visit in log})
    counting = [visit for visit in visits if visit > plan["discharge_date"]]
    follow_up = {**plan["follow_up"], "visits": visits, "visit_log": log, "met_on": counting[0] if counting else None,
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
    """The iop_follow_up counts over plans that each carry ``outcome``, ``exclusion`` (see
    :func:`measure_exclusion`) and ``follow_up`` as :func:`follow_up_status` returns it.

    An excluded discharge is counted under its exclusion and nowhere else. Of the others, a
    window's denominator holds those whose window is decided (closed, or met early) and its
    numerator those met; a window still open and unmet is counted as ``open``, not as a miss. The
    caller computes ``follow_up`` as of the day of the report."""
    excluded = {reason: 0 for reason in EXCLUSIONS}
    windows = {days: {"numerator": 0, "denominator": 0, "open": 0} for days in WINDOWS}
    for plan in plans:
        if plan.get("exclusion"):
            excluded[plan["exclusion"]] += 1
            continue
        for days, window in windows.items():
            status = plan["follow_up"][f"within_{days}"]
            window["denominator" if status is not None else "open"] += 1
            window["numerator"] += status is True
    return rates_from_tallies(len(plans), sum(plan["outcome"] == COMPLETED for plan in plans), excluded, windows)


def rates_from_tallies(discharges: int, completions: int, excluded: dict[str, int], windows: dict[int, dict]) -> dict:
    """The report's figures from its tallies (however they were counted: plan by plan, or by the
    database): ``windows`` maps each window's days to its numerator, denominator and open."""
    counts = {"discharges": discharges, "completions": completions,
              "excluded": {reason: excluded.get(reason, 0) for reason in EXCLUSIONS}}
    listed = []
    for days in WINDOWS:
        window = {"days": days, **windows[days]}
        window["rate"] = window["numerator"] / window["denominator"] if window["denominator"] else None
        # The flat names the first release answered, kept for the clients that read them.
        counts.update({f"eligible_{days}": window["denominator"], f"met_{days}": window["numerator"],
                       f"rate_{days}": window["rate"], f"open_{days}": window["open"]})
        listed.append(window)
    counts["windows"] = listed
    return counts


def report_entries(plan: dict) -> dict[date, dict]:
    """What a plan puts in the follow-up report's days (``shared.day_rollups``): on its discharge
    day, an entry under its id with its exclusion, whether the program was completed, and the days
    from the discharge to its first visit after it (0 while there is none), from which every
    window's standing follows on any later day (:func:`rates_from_days`)."""
    discharged = plan["discharge_date"]
    after = [visit for visit in plan["follow_up"]["visits"] if visit > discharged]
    return {discharged: {f"plans.{plan['_id']}": {
        "exclusion": exclusion_of(plan), "completed": plan["outcome"] == COMPLETED,
        "days": (min(after) - discharged).days if after else 0}}}


def report_day_counts(day: dict) -> dict:
    """A day's counts from its plans' entries: discharges, completions, exclusions, and the plans
    counted in the measure by their days to a first visit (``{"days": {"3": 2, "0": 1}}``: keys
    are strings, as a stored map's are)."""
    plans = (day.get("plans") or {}).values()
    counted = [entry["days"] for entry in plans if not entry["exclusion"]]
    return {"discharges": len(plans), "completions": sum(bool(entry["completed"]) for entry in plans),
            "excluded": dict(Counter(entry["exclusion"] for entry in plans if entry["exclusion"])),
            "days": {str(days): count for days, count in Counter(counted).items()}}


def rates_from_days(days: Iterable[dict], today: date) -> dict:
    """The report over days as :func:`report_day_counts` gives them (each with its ``date``), as of
    ``today``: the same figures as :func:`follow_up_rates` plan by plan. A window of N days is met
    when 1 <= days <= N, and decided when met or when the discharge was more than N days before
    ``today``."""
    discharges = completions = 0
    excluded, every = Counter(), Counter()
    closed = {window: Counter() for window in WINDOWS}
    for day in days:
        discharges += day["discharges"]
        completions += day["completions"]
        excluded.update(day.get("excluded") or {})
        histogram = Counter({int(days): count for days, count in (day.get("days") or {}).items()})
        every.update(histogram)
        for window in WINDOWS:
            if day["date"] < today - timedelta(days=window):
                closed[window].update(histogram)

    def met(days_histogram: Counter, window: int) -> int:
        return sum(count for days, count in days_histogram.items() if 1 <= days <= window)

    windows = {}
    for window in WINDOWS:
        numerator = met(every, window)
        # Decided: met (even early, window still open), or closed without a visit in time.
        denominator = numerator + sum(closed[window].values()) - met(closed[window], window)
        windows[window] = {"numerator": numerator, "denominator": denominator,
                           "open": sum(every.values()) - denominator}
    return rates_from_tallies(discharges, completions, excluded, windows)


def days_to_first_visit(discharge_date: date, follow_up: dict) -> int:
    """Days from the discharge to the first visit that counts (1 or more), 0 while there is none.

    Stored on the plan as ``follow_up_days`` whenever its follow-up changes (a window of N days is
    met when 1 <= days <= N). The report no longer reads it: it reads its days, whose entries
    derive the same figure from the visits (:func:`report_entries`)."""
    met_on = follow_up["met_on"]
    return (met_on - discharge_date).days if met_on else 0


def _window_status(discharge_date: date, visits: list[date], today: date, days: int) -> bool | None:
    last_day = discharge_date + timedelta(days=days)
    if any(discharge_date < visit <= last_day for visit in visits):
        return True
    if today > last_day:
        return False
    return None
