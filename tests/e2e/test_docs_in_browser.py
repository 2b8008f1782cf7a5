"""Docs that work offline (issue 13): each service's /docs page, loaded in headless Chromium (Debian's
`chromium`) from the running system with no CDN in reach, renders every operation of its spec."""
import re
import subprocess

import pytest
import requests

from system.services import SERVICES
from tests.system import System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(tmp_path_factory, chromium):
    running = System(tmp_path_factory.mktemp("docs") / "var").start()
    yield running
    running.stop()


def rendered_dom(chromium: str, url: str) -> str:
    run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                          "--dump-dom", url], capture_output=True, text=True, timeout=90)
    return run.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_renders_every_operation_without_a_network(system, service, chromium):
    spec = requests.get(f"{system.base_url}/{service}/openapi.json", timeout=10).json()
    dom = rendered_dom(chromium, f"{system.base_url}/{service}/docs")
    shown = set(re.findall(r'data-path="([^"]+)"', dom))
    assert shown == set(spec["paths"]), f"rendered {sorted(shown)}"
    assert spec["info"]["title"] in dom
