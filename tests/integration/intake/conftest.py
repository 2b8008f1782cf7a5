"""Fixtures of intake's API tests: a client on the test database and the service's own context
for reading the outbox."""
import pytest

from tests.conftest import api_client, service_context


@pytest.fixture
def intake(settings, sites):
    return api_client("intake", settings, sites)


@pytest.fixture
def intake_context(settings, sites):
    return service_context("intake", settings, sites)
