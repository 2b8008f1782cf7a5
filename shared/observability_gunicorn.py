"""gunicorn settings of every API process: those of ``shared.http.gunicorn_conf``, plus what
metrics and logs need when one API runs as several worker processes.

    gunicorn -c python:shared.observability_gunicorn ... 'services.intake.app:create_app()'

- ``PROMETHEUS_MULTIPROC_DIR`` is set here, in the master, before any worker imports
  prometheus_client, so that every worker writes its samples there and ``/metrics`` answers the
  sum over all of them (a scrape would otherwise see one random worker). The folder is emptied
  when the master starts and removed when it exits, if this made it.
- gunicorn's own lines (worker boots, timeouts) go through the same formatter as the
  application's: JSON lines, or human-readable in a terminal (``shared.logging_setup``).
"""
import os
import shutil
import tempfile
from pathlib import Path

# Before anything below can import prometheus_client: it reads the variable once, at import.
_MADE_HERE = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _MADE_HERE:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="iop-metrics-")

from gunicorn.glogging import Logger  # noqa: E402

from shared.http.gunicorn_conf import *  # noqa: E402,F401,F403  (every API setting, unchanged)
from shared.logging_setup import line_formatter  # noqa: E402


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _MADE_HERE:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


class StructuredLogger(Logger):
    """gunicorn's logger, its lines formatted like every other line of the system."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in [*self.error_log.handlers, *self.access_log.handlers]:
            handler.setFormatter(line_formatter("gunicorn"))


logger_class = StructuredLogger
