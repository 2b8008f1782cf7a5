"""The whole system as processes (``python -m system.supervisor``), driven over HTTP."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from system.services import SERVICES
from tests.backends import free_port
from tests.workers import wait_until

ROOT = Path(__file__).resolve().parent.parent
CLINICIAN = {"Authorization": "Bearer demo-mpls-clinician"}


class System:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {**os.environ, "IOP_DATA_DIR": str(data_dir), "IOP_HTTP_PORT": str(self.port),
                    "IOP_EMBEDDED_MONGO_PORT": str(free_port()), "IOP_API_WORKERS": "1", **(env or {})}
        for inherited in ("IOP_MONGO_URL", "IOP_AMQP_URL", "IOP_SITES_FILE"):
            if inherited not in (env or {}):
                self.env.pop(inherited, None)
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "system.log"

    def start(self) -> "System":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "system.supervisor"], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._all_ready, timeout=60, interval=0.3, message=f"system not ready (see {self.log})")
        return self

    def _all_ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"supervisor exited with {self.process.returncode}; see {self.log}")
        try:
            return all(requests.get(f"{self.base_url}/{service}/readyz", timeout=2).status_code == 200
                       for service in SERVICES)
        except requests.RequestException:
            return False

    def stop(self, sig=signal.SIGINT, timeout: float = 30) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in self.children():
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
            raise

    def children(self) -> list[int]:
        """Process ids whose parent is the supervisor."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def descendants(self) -> list[int]:
        """Process ids below the supervisor at any depth (the gateway's gunicorn workers included)."""
        parents = _parent_pids()
        found, frontier = [], [self.process.pid]
        while frontier:
            children = [pid for pid, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found

    def api_worker_pids(self) -> list[int]:
        """The gateway's gunicorn worker processes: the children of the gunicorn master."""
        masters = [pid for pid in self.children() if b"gunicorn" in _cmdline(pid)]
        parents = _parent_pids()
        return [pid for pid, parent in parents.items() if parent in masters]

    def worker_pid(self, service: str) -> int:
        for pid in self.children():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f"services.{service}.worker" in cmdline:
                return pid
        raise LookupError(f"no {service} worker running")

    @property
    def settings(self):
        """The settings its processes run with: the database and broker this test can look into."""
        from shared.config import load_settings
        from system.instance import running_instance

        # The stand-in's URL as the supervisor wrote it (a free port unless IOP_EMBEDDED_MONGO_PORT pins one).
        found = running_instance(self.data_dir) or {}
        embedded = found.get("mongo_url") or f"mongodb://127.0.0.1:{self.env.get('IOP_EMBEDDED_MONGO_PORT')}"
        return load_settings({"IOP_MONGO_URL": embedded, **self.env})

    # -- HTTP helpers ---------------------------------------------------------------------------
    def post(self, path: str, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(self.base_url + path, json=body, headers={**CLINICIAN, **(headers or {})}, timeout=10)

    def get(self, path: str, headers: dict | None = None, **params) -> requests.Response:
        return requests.get(self.base_url + path, params=params, headers=headers or CLINICIAN, timeout=10)


def this_shells_settings() -> dict[str, str]:
    """The ``IOP_`` settings of the calling shell, for a System that should use them (a System
    started without them drops ``IOP_MONGO_URL`` and ``IOP_AMQP_URL``: tests start on embedded
    defaults whatever the shell holds)."""
    return {key: value for key, value in os.environ.items() if key.startswith("IOP_")}


def _parent_pids() -> dict[int, int]:
    """Every process id on the machine with its parent's."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return parents


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
