"""The shared clock: real time by default, a pinned instant inside ``pinned``."""
from datetime import datetime, timezone

import pytest

from shared import clock

INSTANT = datetime(2030, 1, 2, 3, 4, tzinfo=timezone.utc)


def test_inside_pinned_now_is_the_pinned_instant_and_afterwards_real_time_again():
    with clock.pinned(INSTANT):
        assert clock.now() == INSTANT
    assert clock.now() > INSTANT.replace(year=2020)
    assert clock.now() != INSTANT


def test_a_naive_instant_cannot_be_pinned():
    with pytest.raises(ValueError):
        with clock.pinned(datetime(2030, 1, 2)):
            pass
