"""Integration tests run at a pinned instant: the day they were written, noon at the demo sites.

Services read the time through shared.clock, so dates written into these tests (admissions in
December 2026, follow-ups in January 2027) keep the same relation to "today" on any day the suite
runs. The end-to-end and fault tiers run real processes on the real clock instead.
"""
from datetime import datetime, timezone

import pytest

from shared import clock

WRITTEN_ON = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(WRITTEN_ON):
        yield WRITTEN_ON
