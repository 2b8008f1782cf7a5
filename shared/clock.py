"""The one clock every service reads, so that a test can pin "now" and stay true on any day it runs.

Clinical rules count from the site's today (due dates, follow-up windows, "nothing booked in the
past"), so code never calls ``datetime.now()`` itself: it calls :func:`now`.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

_pinned: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return _pinned if _pinned is not None else datetime.now(timezone.utc)


@contextmanager
def pinned(instant: datetime) -> Iterator[None]:
    """Within the block, :func:`now` answers ``instant`` (tests only)."""
    global _pinned
    if instant.tzinfo is None:
        raise ValueError("pin the clock to an aware instant")
    previous, _pinned = _pinned, instant
    try:
        yield
    finally:
        _pinned = previous
