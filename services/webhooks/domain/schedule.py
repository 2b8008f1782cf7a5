"""When a delivery that failed is tried again: exponential backoff over more than a day, then failed.

The delays are the ones the Standard Webhooks specification gives as an example: immediately, then
5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours, and 10 hours again. A delivery whose
first attempt of the current schedule lies 24 hours or more in the past when an attempt fails is
given up, so the attempts span at least a day: eight of them, the last about 27.6 hours after the
first. A manual retry starts a new schedule.
"""
from datetime import datetime, timedelta

DELAYS_AFTER_FAILURE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
GIVE_UP_AFTER = timedelta(hours=24)


def delay_after(failed_attempts: int) -> timedelta:
    """The wait after the ``failed_attempts``-th failed attempt of a schedule (the last delay repeats)."""
    if failed_attempts < 1:
        raise ValueError("a delay follows a failed attempt")
    return DELAYS_AFTER_FAILURE[min(failed_attempts, len(DELAYS_AFTER_FAILURE)) - 1]


def next_attempt_at(schedule_started_at: datetime, failed_attempts: int, now: datetime) -> datetime | None:
    """When to try again after a failed attempt at ``now``; None once the schedule is spent."""
    if now - schedule_started_at >= GIVE_UP_AFTER:
        return None
    return now + delay_after(failed_attempts)
