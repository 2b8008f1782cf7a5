"""What docker-compose.yml adds for operations: limits, log rotation, named volumes, the dashboard
and Prometheus wired to every API and worker (the compose check runs them: tests/e2e)."""
from pathlib import Path

import pytest
import yaml

from system.compose_check import ComposeRun, interpolate
from system.services import SERVICES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_container_rotates_its_logs_and_has_resource_limits(compose):
    for name, service in compose["services"].items():
        assert service["logging"]["options"]["max-size"], name
        assert service["deploy"]["resources"]["limits"]["memory"], name


def test_data_lives_in_named_volumes(compose):
    assert {"mongo-data", "rabbitmq-data", "prometheus-data"} <= set(compose["volumes"])


def test_prometheus_scrapes_every_api_worker_and_the_dashboard(compose):
    mounted = [v for v in compose["services"]["prometheus"]["volumes"] if v.endswith("prometheus.yml:ro")]
    config = yaml.safe_load((ROOT / mounted[0].split(":")[0].removeprefix("./")).read_text())
    paths = {job["metrics_path"]: [name for sd in job["dns_sd_configs"] for name in sd["names"]]
             for job in config["scrape_configs"]}
    for service in SERVICES:
        assert paths[f"/{service}/metrics"] == [f"{service}-api"]
        assert f"{service}-worker" in paths["/metrics"]
        assert f"{service}-worker" in compose["services"] and f"{service}-api" in compose["services"]
    assert paths["/dashboard/metrics"] == ["dashboard"]


def test_the_dashboard_has_its_container_and_its_gateway_route(compose):
    dashboard = compose["services"]["dashboard"]
    assert dashboard["command"][-1] == "system.dashboard:create_app()"
    assert dashboard["environment"]["SCRIPT_NAME"] == "/dashboard"
    assert "location /dashboard " in (ROOT / "deploy/gateway/nginx.conf").read_text()
    urls = dashboard["environment"]["IOP_WORKER_METRICS_URLS"]
    assert all(f"{service}=http://{service}-worker:9100/metrics" in urls for service in SERVICES)


def test_every_api_runs_gunicorn_with_the_metrics_settings(compose):
    for service in SERVICES:
        assert "python:shared.observability_gunicorn" in compose["services"][f"{service}-api"]["command"]


def test_the_override_example_is_valid_compose_for_existing_services(compose):
    example = yaml.safe_load((ROOT / "docker-compose.override.yml.example").read_text())
    assert set(example["services"]) <= set(compose["services"])


def test_compose_variables_are_interpolated_as_compose_does():
    assert interpolate("amqp://${U:-iop}:${P}@x $$HOME", {"P": "pw"}) == "amqp://iop:pw@x $HOME"


def test_container_addresses_become_local_ones():
    run = ComposeRun()
    try:
        text = run.localise("http://gateway:8000 amqp://guest:guest@rabbitmq:5672// 0.0.0.0:9100 /tmp/x", "intake-worker")
        assert text == (f"http://127.0.0.1:{run.port('gateway', 8000)} amqp://guest:guest@127.0.0.1:5672// "
                        f"127.0.0.1:{run.port('intake-worker', 9100)} {run.folder}/intake-worker/tmp/x")
    finally:
        import shutil

        shutil.rmtree(run.folder, ignore_errors=True)
