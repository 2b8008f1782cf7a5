"""Generating an enrollment's sessions, counting its weekly hours, and moving its end date.

Times are planned as wall-clock times in the site's timezone and only then converted to UTC,
so a group that meets at 09:00 still meets at 09:00 after a daylight-saving change. Two
consequences of zoneinfo's rules (``fold=0``): a local time skipped by the spring change
(02:30 on a US spring-forward day) lands one hour later in wall time (03:30), and a local
time that happens twice in autumn means its first occurrence. A session lasts its duration
in real time, whatever the clock does during it.

Defaults (DOMAIN.md: "one individual therapy session a week and a medication check-in every
two weeks unless configured otherwise"): individual therapy on Tuesdays at 13:00 for 50
minutes every week, medication check-in on Thursdays at 13:00 for 30 minutes every two weeks.
Early afternoon keeps them clear of a morning group block (typically 09:00-12:00); a site
with afternoon or evening groups configures other times. A program with more individual
sessions a week (its catalog cadence, domain/program_plans.py) holds them on several weekdays.

"Every N weeks" counts enrollment weeks from the start date: the first session falls on the
first matching weekday on or after the start date, then every N weeks after that.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.scheduling.domain.groups import GroupSlot
from shared.business_days import WEEKDAYS
from shared.errors import Invalid

GROUP, INDIVIDUAL_THERAPY, MEDICATION_CHECK_IN = "group", "individual_therapy", "medication_check_in"
SESSION_KINDS = (GROUP, INDIVIDUAL_THERAPY, MEDICATION_CHECK_IN)

# ASAM level 2.1, adults (DOMAIN.md); adolescent programs pass 6.0.
MINIMUM_WEEKLY_HOURS = 9.0

def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_recurrence(prefix: str, plan, day_field: str) -> None:
    errors = {}
    days = plan.weekdays
    if not isinstance(days, tuple) or not days or any(day not in WEEKDAYS for day in days) \
            or len(set(days)) != len(days):
        errors[f"{prefix}.{day_field}"] = [f"Must be one of {', '.join(WEEKDAYS)}, each day once."]
    if not isinstance(plan.start_time, time):
        errors[f"{prefix}.start_time"] = ["Must be a local time of day."]
    if not _is_whole(plan.duration_minutes) or plan.duration_minutes < 1:
        errors[f"{prefix}.duration_minutes"] = ["Must be a positive whole number of minutes."]
    if not _is_whole(plan.every_weeks) or plan.every_weeks < 1:
        errors[f"{prefix}.every_weeks"] = ["Must be a whole number of weeks, at least 1."]
    if errors:
        raise Invalid(errors)


@dataclass(frozen=True)
class IndividualPlan:
    """One-to-one therapy: one session on each of ``weekdays``, every ``every_weeks`` weeks."""

    weekdays: tuple[str, ...] = ("tue",)
    start_time: time = time(13, 0)
    duration_minutes: int = 50
    every_weeks: int = 1

    def __post_init__(self):
        _check_recurrence("individual", self, "weekdays")


@dataclass(frozen=True)
class MedCheckPlan:
    """Medication management check-in: one every ``every_weeks`` weeks."""

    weekday: str = "thu"
    start_time: time = time(13, 0)
    duration_minutes: int = 30
    every_weeks: int = 2

    def __post_init__(self):
        _check_recurrence("med_check", self, "weekday")

    @property
    def weekdays(self) -> tuple[str, ...]:
        return (self.weekday,)


@dataclass(frozen=True)
class PlannedSession:
    """A session to store: ``starts_at``/``ends_at`` are aware UTC datetimes.

    ``local_date`` is the date at the site, kept because the UTC date of an evening session
    can be the next day, and weeks are counted in local dates.
    """

    kind: str
    starts_at: datetime
    ends_at: datetime
    local_date: date

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def key(self) -> tuple[str, datetime]:
        """What makes a session the same session: its kind and its start instant."""
        return (self.kind, self.starts_at)


@dataclass(frozen=True)
class ScheduleChange:
    """The result of moving an end date: sessions to cancel and sessions to add."""

    to_cancel: list[PlannedSession]
    to_add: list[PlannedSession]


def _chronological(session: PlannedSession) -> tuple[datetime, str]:
    return (session.starts_at, session.kind)


def site_zone(name: str) -> ZoneInfo:
    """The site's zone; a bad name is a configuration error (sites file), not a client error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown timezone {name!r}") from error


def _session(kind: str, day: date, start: time, minutes: int, zone: ZoneInfo) -> PlannedSession:
    # Wall clock first, UTC second: the UTC offset is that of the session's own date.
    starts_at = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
    return PlannedSession(
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        local_date=day,
    )


def _days(start_date: date, end_date: date):
    day = start_date
    while day <= end_date:
        yield day
        day += timedelta(days=1)


def generate_sessions(
    start_date: date,
    end_date: date,
    timezone: str,
    group: GroupSlot | None,
    individual: IndividualPlan | None = IndividualPlan(),
    med_check: MedCheckPlan | None = MedCheckPlan(),
) -> list[PlannedSession]:
    """Every session from ``start_date`` to ``end_date`` inclusive (local dates), sorted by start.

    ``None`` for a part leaves it out (no group yet, waitlisted, or a site that books
    check-ins elsewhere).
    """
    if end_date < start_date:
        raise Invalid({"end_date": ["Must not be before the start date."]})
    zone = site_zone(timezone)
    sessions = []
    for day in _days(start_date, end_date):
        weekday = WEEKDAYS[day.weekday()]
        enrollment_week = (day - start_date).days // 7
        if group is not None and weekday in group.weekdays:
            sessions.append(_session(GROUP, day, group.start_time, group.duration_minutes, zone))
        for kind, plan in ((INDIVIDUAL_THERAPY, individual), (MEDICATION_CHECK_IN, med_check)):
            if plan is not None and weekday in plan.weekdays and enrollment_week % plan.every_weeks == 0:
                sessions.append(_session(kind, day, plan.start_time, plan.duration_minutes, zone))
    return sorted(sessions, key=_chronological)


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _weekly_minutes(sessions) -> dict[date, int]:
    minutes: dict[date, int] = {}
    for session in sessions:
        monday = week_start(session.local_date)
        minutes[monday] = minutes.get(monday, 0) + session.minutes
    return minutes


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def weekly_hours(sessions) -> dict[date, float]:
    """Scheduled hours per local ISO week (key: the Monday), rounded to 0.01 h.

    Every kind counts: ASAM's hours are all structured programming, individual and
    medication visits included. Weeks without sessions are absent from the result.
    """
    return {monday: _hours(total) for monday, total in sorted(_weekly_minutes(sessions).items())}


def intensity_warnings(sessions, minimum_hours: float, *, start_date: date, end_date: date) -> list[dict]:
    """Full weeks whose scheduled hours fall below ``minimum_hours``: ``[{week_start, scheduled_hours}]``.

    Only whole Monday-to-Sunday weeks inside ``start_date``..``end_date`` are judged: a patient
    who starts on a Thursday cannot have a full week's hours in that first week, and warning
    about it would teach staff to ignore the warning. Weeks inside the range with no session
    at all are reported with 0.0.
    """
    weekly = _weekly_minutes(sessions)
    # The first Monday on or after the start date opens the first full week.
    monday = start_date + timedelta(days=(7 - start_date.weekday()) % 7)
    warnings = []
    while monday + timedelta(days=6) <= end_date:
        scheduled = weekly.get(monday, 0)
        if scheduled < minimum_hours * 60:
            warnings.append({"week_start": monday, "scheduled_hours": _hours(scheduled)})
        monday += timedelta(days=7)
    return warnings


def trim_or_extend(
    existing: list[PlannedSession],
    *,
    start_date: date,
    old_end_date: date,
    new_end_date: date,
    timezone: str,
    group: GroupSlot | None,
    individual: IndividualPlan | None = IndividualPlan(),
    med_check: MedCheckPlan | None = MedCheckPlan(),
) -> ScheduleChange:
    """What changes when an enrollment's end date moves from ``old_end_date`` to ``new_end_date``.

    Shorter: the existing sessions dated after the new end are cancelled. Longer: the
    sessions dated after the old end up to the new end are added, generated from the
    enrollment's own start date so that "every two weeks" keeps its rhythm. A session already
    in ``existing`` (same kind and start) is never added twice, so applying the same change
    again adds nothing. A discharge is the shorter case with ``new_end_date`` = discharge date.
    """
    to_cancel = sorted((s for s in existing if s.local_date > new_end_date), key=_chronological)
    to_add = []
    if new_end_date > old_end_date:
        known = {s.key for s in existing}
        planned = generate_sessions(start_date, new_end_date, timezone, group, individual, med_check)
        to_add = [s for s in planned if s.local_date > old_end_date and s.key not in known]
    return ScheduleChange(to_cancel=to_cancel, to_add=to_add)
