"""Fixtures of intake's use-case tests: its store on an in-memory database, a site, a cause."""
import pytest

from shared import clock
from shared.cause import Cause
from tests.in_memory import in_memory_context
from tests.unit.intake.support import NOW


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def context():
    return in_memory_context("intake")


@pytest.fixture
def store(context):
    return context.store


@pytest.fixture
def site(context):
    return context.site("mpls")


@pytest.fixture
def cause():
    return Cause("mpls", "request-1", actor="clinician-key")


@pytest.fixture
def other_site_cause():
    return Cause("stpaul", "request-2", actor="stpaul-key")
