"""The census of a site: who is in the programs now, who came in and who left over a date range.

Decisions:
- ``active`` is a snapshot of now, not of the range's end: it is what a clinic director asks
  ("how full are we"), and an enrollment does not record when it stopped being active other
  than by its discharge date.
- Admissions count by start date and discharges by discharge date, both site-local calendar
  days, both ends of the range included.
- The default range is the last 30 days, today included, in the site's timezone. A range may
  reach into the future (a calendar month asked for mid-month; admissions already booked with a
  future start count), and spans at most a year, which keeps the counting in the API cheap.
- Every program of the site's catalog and every outcome (``death`` and ``incarcerated`` included)
  appears, with 0 when nothing happened, so that a client can draw the same table for every range.
  A program the catalog no longer lists still counts under its code.
- An active enrollment counts under its current program (a step down from PHP to IOP moves it),
  an admission under the program it was admitted to.
- Admissions and discharges are kept per site and calendar day (``shared.day_rollups``): an
  entry per enrollment (``admitted.<id>: program``, ``discharged.<id>: outcome``), and the day's
  counts, which the census reads, so that a range costs its number of days, not its number of
  enrollments. What an entry says never changes afterwards: an enrollment's start date, admitted
  program, discharge date and outcome are set once (a second discharge is refused).
"""
from collections import Counter
from datetime import date, timedelta
from typing import Iterable, Mapping

from shared.errors import Invalid
from shared.events.codes import OUTCOMES

DEFAULT_DAYS = 30
MAX_DAYS = 366


def census_range(today: date, start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """The range to count over, both ends included: ``end`` defaults to ``today`` and ``start``
    to 29 days before ``end`` (30 days).

    ``Invalid`` ({"from": ...}) for a start after the end, or a range longer than a year.
    """
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid({"from": [f"must not be after 'to' ({end.isoformat()})"]})
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid({"from": [f"the range may span at most {MAX_DAYS} days"]})
    return start, end


def _counts(codes: Iterable[str] | Mapping[str, int], known: Iterable[str]) -> dict:
    counted = Counter(codes)  # a map from code to count is taken as counted already
    by_code = {code: counted.pop(code, 0) for code in known}
    by_code.update(counted)  # a code retired from the list still counts rather than vanishing
    return {"total": sum(by_code.values()), "by_code": by_code}


def admitted_program(enrollment: dict) -> str:
    """The program an enrollment was admitted to: as kept, else its first period's (its only one
    before periods were kept)."""
    return enrollment.get("admitted_program") or (enrollment.get("periods") or [enrollment])[0]["program"]


def day_entries(enrollment: dict) -> dict[date, dict[str, str]]:
    """The entries an enrollment makes in the census's days: its admission on its start date and,
    once discharged, its discharge on the discharge date, as ``{day: {"admitted.<id>": program}}``."""
    entries = {enrollment["start_date"]: {f"admitted.{enrollment['_id']}": admitted_program(enrollment)}}
    if enrollment.get("discharge"):
        day = enrollment["discharge"]["date"]
        entries.setdefault(day, {})[f"discharged.{enrollment['_id']}"] = enrollment["outcome"]
    return entries


def day_counts(day: dict) -> dict:
    """A day's counts from its entries: ``{"admitted": {program: n}, "discharged": {outcome: n}}``."""
    return {kind: dict(Counter((day.get(kind) or {}).values())) for kind in ("admitted", "discharged")}


def tally(days: Iterable[dict], kind: str) -> Counter:
    """The counts of ``kind`` ("admitted" or "discharged") over days as :func:`day_counts` gives them."""
    total = Counter()
    for day in days:
        total.update(day.get(kind) or {})
    return total


def census(program_codes: Iterable[str], active_programs: Iterable[str] | Mapping[str, int],
           admitted_programs: Iterable[str], discharge_outcomes: Iterable[str]) -> dict:
    """Count the programs of the active and admitted enrollments over the site's ``program_codes``,
    and the discharge outcomes. Each may be given as codes or as a map from code to its count."""
    program_codes = tuple(program_codes)
    active = _counts(active_programs, program_codes)
    admissions = _counts(admitted_programs, program_codes)
    discharges = _counts(discharge_outcomes, OUTCOMES)
    return {
        "active": {"total": active["total"], "by_program": active["by_code"]},
        "admissions": {"total": admissions["total"], "by_program": admissions["by_code"]},
        "discharges": {"total": discharges["total"], "by_outcome": discharges["by_code"]},
    }
