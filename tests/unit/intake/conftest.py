"""Fixtures of intake's use-case tests: its store on an in-memory database, a site, a cause."""
import pytest

from shared import clock
from shared.cause import Cause
from tests.unit.intake.support import NOW


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def cause():
    return Cause("mpls", "request-1", actor="clinician-key")


@pytest.fixture
def other_site_cause():
    return Cause("stpaul", "request-2", actor="stpaul-key")
