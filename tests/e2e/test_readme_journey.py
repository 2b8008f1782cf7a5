"""The README's journey works when pasted, and pasted again (issue 13): run as it is written, with
curl and jq, against the running system, twice in a row."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.system import System

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- journey: tests/e2e/test_readme_journey.py runs this block -->"


def journey_script() -> str:
    text = README.read_text()
    block = text[text.index(MARKER):]
    return block[block.index("```sh\n") + len("```sh\n"):block.index("\n```\n")]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    running = System(tmp_path_factory.mktemp("journey") / "var").start()
    yield running
    running.stop()


def test_the_readme_journey_runs_twice_as_pasted(system):
    for tool in ("curl", "jq", "bash"):
        if shutil.which(tool) is None:
            pytest.skip(f"the README's journey needs {tool}")
    script = journey_script().replace("B=http://127.0.0.1:8000", f"B={system.base_url}")
    for run in (1, 2):
        done = subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, f"run {run}: {done.stderr}"
        outputs = [json.loads(chunk) for chunk in _json_documents(done.stdout)]
        status, plan, appointment, reconciliation = outputs
        assert status == "completed"
        assert "follow_up_appointment" in plan["tasks"] and plan["referrals"] == ["outpatient_therapy"]
        assert appointment["kind"] == "aftercare_follow_up" and reconciliation["completed_at"]


def _json_documents(text: str):
    decoder, position = json.JSONDecoder(), 0
    while position < len(text.rstrip()):
        value, end = decoder.raw_decode(text, position)
        yield json.dumps(value)
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
