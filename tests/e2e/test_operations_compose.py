"""docker-compose.yml has run somewhere: its exact commands, environment and healthchecks as local
processes (gunicorn per API with its SCRIPT_NAME, every worker, the dashboard, Debian's nginx with
deploy/gateway/nginx.conf, Prometheus when installed, RabbitMQ and this machine's database), and a
completion driven through the gateway (system/compose_check.py)."""
import os
import shutil

import pytest

from system.compose_check import LOCAL_RABBITMQ, _answers, run_check

pytestmark = pytest.mark.e2e


def _missing() -> str | None:
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        return "Debian's nginx is not installed (apt-get install nginx)"
    if not _answers(*LOCAL_RABBITMQ):
        return "no RabbitMQ on 127.0.0.1:5672"
    return None


def test_what_compose_runs_serves_a_completion_through_the_gateway_and_is_scraped():
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    said = []
    run_check(log=said.append)
    assert said[-1] == "compose check passed", "\n".join(said)
    assert any(line.startswith("every container healthy by its own healthcheck") for line in said)
    assert any("aftercare plan, follow-up appointment and reconciliation made" in line for line in said)
