"""The embedded MongoDB stand-in: the nx-27017 wire-protocol server, storing into SQLite under ./var.

It is not MongoDB. The project keeps to constructs both accept; where they differ (README, "The
database stand-in") the code follows MongoDB's documented semantics.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

# IOP_EMBEDDED_MONGO_PORT moves it, so that two embedded systems (two checkouts, parallel test
# runs) can run side by side on one machine.
EMBEDDED_MONGO_PORT = int(os.environ.get("IOP_EMBEDDED_MONGO_PORT") or 27817)
EMBEDDED_MONGO_URL = f"mongodb://127.0.0.1:{EMBEDDED_MONGO_PORT}"
# Ours, not the stand-in's: shared.embedded.mongo_server takes them off the command line.
REMEMBER_SCHEMA_LOOKUPS = "--remember-schema-lookups"
PROJECT_WITHOUT_COPYING = "--project-without-copying"


def start_stand_in(data_dir: Path, port: int = EMBEDDED_MONGO_PORT, log_file: Path | None = None,
                   threaded: bool = True, remember_schema_lookups: bool = True,
                   project_without_copying: bool = True) -> subprocess.Popen:
    """Start the stand-in on 127.0.0.1:port and wait until it accepts connections.

    Three settings make each command cheaper (``python -m bench.stand_in`` measures them against
    the stand-in's defaults, bench/RESULTS.md):

    - ``threaded``: a thread per connection runs each command itself. The stand-in's default
      (asyncio) hands every command to a thread pool and its answer back to the event loop: two
      thread switches a command;
    - ``remember_schema_lookups``: the catalogue questions each command asks are answered from
      memory until the schema changes (``shared.embedded.mongo_server``);
    - ``project_without_copying``: a projection picks fields from the document just read instead of
      from a deep copy of it (``shared.embedded.mongo_server``).
    """
    folder = Path(data_dir) / "mongo"
    folder.mkdir(parents=True, exist_ok=True)
    log = Path(log_file or folder / "server.log")
    command = [
        sys.executable, "-m", "shared.embedded.mongo_server",
        "--data-dir", str(folder), "--host", "127.0.0.1", "--port", str(port),
        "--log-file", str(log), "--pid-file", str(folder / "server.pid"),
        *(["--threaded"] if threaded else []),
        *([REMEMBER_SCHEMA_LOOKUPS] if remember_schema_lookups else []),
        *([PROJECT_WITHOUT_COPYING] if project_without_copying else []),
    ]
    with open(log, "ab") as log_stream:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_stream)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the MongoDB stand-in exited with code {process.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the MongoDB stand-in did not listen on port {port} within 20 s; see {log}")
