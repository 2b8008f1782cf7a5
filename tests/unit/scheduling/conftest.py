"""Fixtures of scheduling's use-case tests: its store on an in-memory database, a site, causes."""
import pytest

from shared import clock
from shared.cause import Cause
from tests.unit.scheduling.support import NOW


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def other_site(context):
    return context.site("stpaul")


@pytest.fixture
def cause():
    """A clinician's request at the site."""
    return Cause("mpls", "request-1", actor="clinician-key")
