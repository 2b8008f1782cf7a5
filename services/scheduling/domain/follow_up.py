"""Choosing the aftercare follow-up appointment after a discharge.

The follow-up counts for the 7-day measure (modelled on HEDIS FUH) only if it takes place
after the discharge day and within 7 days of it, so the search runs over the site business
days from discharge_date + 1 to discharge_date + 7. Each day offers the preferred time
first, then every full hour from 09:00 to 16:00 in order. When every slot in that window is
taken (or in the past), the first free slot after it is returned with ``late=True``, so that
the appointment is still booked and the lateness is visible; the answer is never "none".
"""
from bisect import bisect_left
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from services.scheduling.domain.schedule import site_zone
from shared.business_days import BusinessCalendar

# The appointment kind of the aftercare follow-up (CONTRACT.md: ``aftercare_follow_up``).
FOLLOW_UP = "aftercare_follow_up"
FOLLOW_UP_WINDOW_DAYS = 7
FIRST_HOURLY_SLOT = time(9, 0)
LAST_HOURLY_SLOT = time(16, 0)
DEFAULT_PREFERRED_TIME = time(10, 0)
DEFAULT_DURATION = timedelta(minutes=60)


class FollowUpSlot(NamedTuple):
    starts_at: datetime  # aware, UTC
    late: bool  # True when the slot falls after discharge_date + 7


def candidate_times(preferred_time: time = DEFAULT_PREFERRED_TIME) -> list[time]:
    """Local start times tried on one day, best first."""
    hourly = [time(hour, 0) for hour in range(FIRST_HOURLY_SLOT.hour, LAST_HOURLY_SLOT.hour + 1)]
    return [preferred_time] + [slot for slot in hourly if slot != preferred_time]


def _is_free(starts_at: datetime, taken: list[datetime], duration: timedelta) -> bool:
    # `taken` holds the sorted starts of booked appointments of the same length: two such
    # appointments overlap exactly when their starts are less than one duration apart, so only
    # the nearest start on either side matters (a search, not a scan of the whole book).
    after = bisect_left(taken, starts_at)
    nearest = taken[max(after - 1, 0):after + 1]
    return all(abs(other - starts_at) >= duration for other in nearest)


def follow_up_slot(
    discharge_date: date,
    calendar: BusinessCalendar,
    timezone: str,
    preferred_time: time = DEFAULT_PREFERRED_TIME,
    taken=frozenset(),
    duration: timedelta = DEFAULT_DURATION,
    not_before: datetime | None = None,
) -> FollowUpSlot:
    """The follow-up's start (UTC) and whether it misses the 7-day window.

    ``taken``: aware start instants of appointments already booked in the same slots (the
    follow-up clinician's book). ``not_before``: an aware instant before which nothing may
    be booked, normally "now", for a discharge recorded after the fact.
    """
    zone = site_zone(timezone)
    taken = sorted(taken)
    window_end = discharge_date + timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    times = candidate_times(preferred_time)
    day = discharge_date
    while True:
        # Raises ValueError for a calendar without open weekdays rather than looping forever;
        # with finitely many holidays and taken slots, a free slot always comes.
        day = calendar.add_business_days(day, 1)
        for local_time in times:
            starts_at = datetime.combine(day, local_time, tzinfo=zone).astimezone(UTC)
            if not_before is not None and starts_at < not_before:
                continue
            if _is_free(starts_at, taken, duration):
                return FollowUpSlot(starts_at=starts_at, late=day > window_end)
