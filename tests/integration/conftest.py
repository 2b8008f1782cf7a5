"""Integration tests run at a pinned instant: the day they were written, noon at the demo sites.

Services read the time through shared.clock, so dates written into these tests (admissions in
December 2026, follow-ups in January 2027) keep the same relation to "today" on any day the suite
runs. The end-to-end and fault tiers run real processes on the real clock instead.

Every 2xx JSON answer a Flask test client gets here is checked against its service's spec, with
``required`` and ``nullable`` enforced (tests/answer_contract.py): a field the spec promises and an
answer lacks fails the test that got the answer.
"""
from datetime import datetime, timezone

import pytest
from flask import Flask

from shared import clock
from tests.answer_contract import CheckedClient

WRITTEN_ON = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def pinned_clock():
    with clock.pinned(WRITTEN_ON):
        yield WRITTEN_ON


@pytest.fixture(autouse=True, scope="session")
def answers_checked_against_the_spec():
    plain = Flask.test_client_class
    Flask.test_client_class = CheckedClient
    yield
    Flask.test_client_class = plain
