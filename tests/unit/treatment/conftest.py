"""Fixtures of treatment's unit tests: the clock pinned to the day they were written; the context,
store and site come from tests/unit/conftest.py (treatment as its bootstrap builds it, in memory)."""
import pytest

from shared import clock
from tests.unit.treatment.support import NOW


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW
