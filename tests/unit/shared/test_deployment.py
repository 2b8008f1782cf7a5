"""docker-compose.yml cannot run here (no Docker engine), so what can be checked without one is:
the file parses, and every service, command, healthcheck, file and variable it names exists."""
import importlib
import re
from pathlib import Path

import pytest
import yaml

from shared.sites import load_sites

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("intake", "scheduling", "medication", "aftercare", "treatment", "webhooks")
# Read by gunicorn itself, not by the project's code.
READ_BY_GUNICORN = {"SCRIPT_NAME"}
CODE = "\n".join(path.read_text() for folder in ("shared", "services", "system") for path in (ROOT / folder).rglob("*.py"))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_mongo_as_a_replica_set_rabbitmq_with_management_and_a_gateway(compose):
    services = compose["services"]
    assert "--replSet" in services["mongo"]["command"]
    assert "management" in services["rabbitmq"]["image"]
    assert any(port.endswith(":8000") for port in services["gateway"]["ports"])


@pytest.mark.parametrize("name", [f"{s}-{kind}" for s in SERVICES for kind in ("api", "worker")]
                         + ["mongo", "rabbitmq", "gateway"])
def test_every_container_has_a_healthcheck_and_a_restart_policy(compose, name):
    service = compose["services"][name]
    assert service["healthcheck"]["test"]
    assert service["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", SERVICES)
def test_each_api_runs_its_app_factory_under_its_gateway_prefix(compose, service):
    api = compose["services"][f"{service}-api"]
    module_name, factory = api["command"][-1].removesuffix("()").split(":")
    assert callable(getattr(importlib.import_module(module_name), factory))
    assert module_name == f"services.{service}.app"
    assert api["environment"]["SCRIPT_NAME"] == f"/{service}"
    assert f"/{service}/healthz" in " ".join(api["healthcheck"]["test"])


@pytest.mark.parametrize("service", SERVICES)
def test_each_worker_runs_its_services_worker_module(compose, service):
    command = compose["services"][f"{service}-worker"]["command"]
    assert command[:2] == ["python", "-m"]
    assert callable(importlib.import_module(command[2]).main)
    assert command[2] == f"services.{service}.worker"


def test_the_worker_healthcheck_watches_the_file_the_worker_touches(compose):
    from shared.worker import HEARTBEAT_FILE

    assert str(HEARTBEAT_FILE) in " ".join(compose["services"]["intake-worker"]["healthcheck"]["test"])


def test_every_variable_given_to_the_services_is_read_by_the_code(compose):
    for name in [f"{s}-{kind}" for s in SERVICES for kind in ("api", "worker")]:
        for variable in set(compose["services"][name]["environment"]) - READ_BY_GUNICORN:
            assert f'"{variable}"' in CODE, f"{name} is given {variable}, which no code reads"


def test_the_gateway_routes_every_prefix_to_its_api():
    config = (ROOT / "deploy/gateway/nginx.conf").read_text()
    for service in SERVICES:
        assert f"upstream {service} " in config and f"server {service}-api:8000;" in config
        assert re.search(rf"location /{service}/\s+{{ proxy_pass http://{service}; }}", config)


def test_files_the_compose_file_mounts_exist_and_the_demo_sites_file_loads(compose):
    assert (ROOT / "deploy/gateway/nginx.conf").is_file()
    assert load_sites(ROOT / "shared/embedded/demo_sites.json").all()


def test_the_dockerfile_copies_what_the_package_needs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in ("pyproject.toml", "shared", "services"):
        assert f"COPY {source}" in dockerfile or f" {source} " in dockerfile
