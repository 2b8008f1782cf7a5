"""Fuzzing tier: every API driven from its own OpenAPI spec by schemathesis, over HTTP against the
running system (``make run`` on embedded defaults), with all of schemathesis's checks: no 5xx, no
answer that breaks the spec, no invalid request accepted, the documented statuses and headers.

Bounded for CI: ``IOP_FUZZ_EXAMPLES`` examples per operation (default 20) and
``IOP_FUZZ_SECONDS`` per service (default 30); the seed is fixed so a failure reproduces. Rate limits are lifted for the run: schemathesis
also calls without a key on purpose, which would otherwise trip the failed-authentication limit.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from system.services import SERVICES
from tests.system import System

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("IOP_FUZZ_EXAMPLES", "20")
SECONDS = os.environ.get("IOP_FUZZ_SECONDS", "30")


@pytest.fixture(scope="module")
def running_system(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("fuzz") / "var",
                    env={"IOP_AUTH_FAILURES_PER_ADDRESS": "1000000/minute", "IOP_RATE_LIMIT_PER_KEY": "1000000/minute"})
    system.start()
    yield system
    system.stop()


@pytest.mark.parametrize("service", SERVICES)
def test_the_api_keeps_its_contract_under_fuzzing(running_system, service, tmp_path):
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG),
               "run", f"{running_system.base_url}/{service}/openapi.json",
               "--checks", "all",
               "--max-examples", EXAMPLES, "--max-time", SECONDS, "--seed", "20261127",
               # One worker: CPython 3.11.7's ast.parse is not thread-safe (gh-106905) and schemathesis parses
               # while it generates.
               "--workers", "1", "--report-dir", str(tmp_path), "--warnings", "off"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=int(SECONDS) + 120, cwd=ROOT,
                         env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks"})
    report = tmp_path / "schemathesis.txt"
    report.write_text(run.stdout + run.stderr)
    print(run.stdout[-20000:])
    assert run.returncode == 0, f"schemathesis found failures in {service}: the whole report is in {report}"
