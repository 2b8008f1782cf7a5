"""Every service's spec lints with zero errors and zero warnings under Spectral's ``spectral:oas``
ruleset and Redocly's recommended rules (issue 13). The linters are npm packages pinned in
tests/lint/package.json; `.ci/run` installs them (`npm ci --prefix tests/lint`)."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from system.services import SERVICES

LINT = Path(__file__).resolve().parents[2] / "lint"
BIN = LINT / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def spec_files(tmp_path_factory):
    if not (BIN / "spectral").exists() or shutil.which("node") is None:
        reason = "the spec linters are not installed: npm ci --prefix tests/lint"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from shared.config import load_settings
    from system.services import bootstrap
    from tests.in_memory import SITES, in_memory_db

    folder = tmp_path_factory.mktemp("specs")
    files = {}
    for service in SERVICES:
        context = bootstrap(service, settings=load_settings({}), sites=SITES, db=in_memory_db())
        app = __import__(f"services.{service}.app", fromlist=["create_app"]).create_app(context=context)
        files[service] = folder / f"{service}.json"
        files[service].write_text(json.dumps(app.test_client().get("/openapi.json").json))
    return files


@pytest.mark.parametrize("service", SERVICES)
def test_spectral_finds_nothing_to_warn_about(spec_files, service):
    run = subprocess.run([str(BIN / "spectral"), "lint", str(spec_files[service]), "--ruleset",
                          str(LINT / ".spectral.yaml"), "--fail-severity", "warn", "--format", "text"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_redocly_recommended_rules_find_nothing(spec_files, service):
    run = subprocess.run([str(BIN / "redocly"), "lint", str(spec_files[service]), "--format", "json"],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "REDOCLY_TELEMETRY": "off",
                                                                          "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"})
    report = json.loads(run.stdout)
    assert report["totals"]["errors"] == 0 and report["totals"]["warnings"] == 0, json.dumps(report["problems"], indent=1)
