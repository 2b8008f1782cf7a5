"""Fixtures of aftercare's use-case tests: its store on an in-memory database, a site, a request's cause."""
import pytest

from shared import clock
from shared.cause import Cause
from tests.unit.aftercare.support import NOW


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def staff():
    """A clinician's request at the mpls site."""
    return Cause("mpls", "request-1", actor="mpls-clinician")
