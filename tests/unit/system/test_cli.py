"""The operators' command line: every command explains itself with examples, and says where it looks."""
import subprocess
import sys

import pytest
from click.testing import CliRunner

from system.cli import iop, render_journey, render_status
from system.journey import Step

COMMANDS = [[], ["status"], ["journey"], ["dead-letters"], ["dead-letters", "list"], ["dead-letters", "show"],
            ["dead-letters", "replay"], ["dead-letters", "discard"], ["seed"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "iop")
def test_every_command_has_help_with_examples(command):
    answer = CliRunner().invoke(iop, [*command, "--help"])
    assert answer.exit_code == 0, answer.output
    assert "Examples:" in answer.output and "iop " in answer.output.split("Examples:")[1]


def test_the_console_script_is_declared():
    text = open("pyproject.toml").read()
    assert 'iop = "system.cli:main"' in text


def test_without_a_running_instance_status_says_which_database_and_broker_it_has(tmp_path):
    answer = CliRunner().invoke(iop, ["--data-dir", str(tmp_path), "--base-url", "http://127.0.0.1:9", "status"],
                                env={"IOP_MONGO_URL": "", "IOP_AMQP_URL": ""})
    assert answer.exit_code == 0, answer.output
    assert f"database: none: no `make run` runs on {tmp_path}" in answer.output
    assert "broker:   embedded broker" in answer.output
    assert "no answer" in answer.output


def test_a_journey_needs_a_database_and_says_so(tmp_path):
    answer = CliRunner().invoke(iop, ["--data-dir", str(tmp_path), "journey", "x"], env={"IOP_MONGO_URL": ""})
    assert answer.exit_code == 1
    assert "no database to read" in answer.output


def test_replay_wants_ids_or_all(tmp_path):
    answer = CliRunner().invoke(iop, ["--data-dir", str(tmp_path), "dead-letters", "replay"])
    assert answer.exit_code == 2 and "--all" in answer.output


def test_an_empty_journey_says_it_is_empty():
    assert render_journey("abc", []).startswith("no event found for abc")


def test_a_journey_shows_producer_handlers_pending_and_dead_letters():
    step = Step("e1", "intake.enrollment.completed", "intake", occurred_at="2026-11-27T12:00:00+00:00",
                correlation_id="req-1", published_at="2026-11-27T12:00:01", handled_by={"aftercare": "2026-11-27 12:00:02"},
                dead_lettered={"medication": "d1: handler failed"}, awaited_by=["scheduling"])
    text = render_journey("req-1", [step])
    assert "1 event(s), 1 with work pending, 1 dead-lettered" in text
    assert "by intake" in text and "handled by aftercare" in text
    assert "DEAD-LETTERED at medication: d1: handler failed" in text and "PENDING at scheduling" in text


def test_status_sums_up_readiness_dead_letters_and_backlogs():
    row = {"ready": True, "detail": "ready", "queue": 0, "dead_letters": 0, "outbox": {"events": 0, "oldest_age_seconds": 0},
           "worker_metrics": None}
    text = render_status({"services": {"intake": row, "aftercare": {**row, "dead_letters": 2}}, "problems": []})
    assert text.splitlines()[-1] == "2 of 2 services ready; 2 dead letter(s); outboxes empty"


def test_the_supervisor_prints_help_instead_of_starting_anything(tmp_path):
    answer = subprocess.run([sys.executable, "-m", "system.supervisor", "--help"], capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "IOP_DATA_DIR": str(tmp_path)})
    assert answer.returncode == 0
    assert "usage: python -m system.supervisor" in answer.stdout and "IOP_EMBEDDED_MONGO_PORT" in answer.stdout
    assert list(tmp_path.iterdir()) == []
