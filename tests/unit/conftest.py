"""Fixtures of every service's use-case tests: the service (named by the test's folder) as its
bootstrap builds it, on an in-memory database, with the demo sites."""
import pytest

from system.services import SERVICES
from tests.in_memory import in_memory_context


@pytest.fixture
def context(request):
    service = request.path.parent.name
    if service not in SERVICES:
        pytest.fail(f"the context fixture serves tests under tests/unit/<service>/, not {request.path}")
    return in_memory_context(service)


@pytest.fixture
def store(context):
    return context.store


@pytest.fixture
def site(context):
    return context.site("mpls")
