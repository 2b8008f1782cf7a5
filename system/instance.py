"""One running ``make run`` per data folder, and how operators' commands find it.

The supervisor holds an exclusive lock on ``<IOP_DATA_DIR>/instance.json`` for as long as it runs
and writes there what it started: its pid, the base URL, the embedded database's URL (on a free
port unless ``IOP_EMBEDDED_MONGO_PORT`` pins one), the broker and the workers' metrics addresses.
A second supervisor on the same folder is refused with the first one's pid, so two instances
never share a database or a broker by accident; ``iop`` reads the file to reach the instance
(``IOP_MONGO_URL`` / ``IOP_AMQP_URL`` in the environment win over it).
"""
import fcntl
import json
import os
import socket
from dataclasses import replace
from pathlib import Path

INSTANCE_FILE = "instance.json"


class Refused(RuntimeError):
    """This instance cannot start without touching another one's data or port."""


class InstanceRunning(Refused):
    """Another supervisor holds the data folder."""


def instance_path(data_dir: Path) -> Path:
    return Path(data_dir) / INSTANCE_FILE


def claim(data_dir: Path):
    """Lock the data folder for this process; returns the open file (keep it open to keep the lock)."""
    path = instance_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        try:
            holder = json.loads(handle.read() or "{}")
        except ValueError:
            holder = {}
        handle.close()
        raise InstanceRunning(
            f"another `make run` (pid {holder.get('pid', '?')}, {holder.get('base_url', 'base URL unknown')}) already uses "
            f"the data folder {Path(data_dir).resolve()}. Stop it, or give this one its own folder and port: "
            f"IOP_DATA_DIR=./var-2 IOP_HTTP_PORT=8001 make run") from None
    os.chmod(path, 0o600)  # it names the database and broker URLs
    return handle


def publish(handle, details: dict) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(details, indent=2))
    handle.flush()


def running_instance(data_dir: Path) -> dict | None:
    """What the supervisor of this data folder wrote, if one is running now."""
    path = instance_path(data_dir)
    if not path.is_file():
        return None
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: the supervisor is alive
            try:
                return json.loads(handle.read() or "{}") or None
            except ValueError:
                return None
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None  # a file left by a supervisor that is gone


def settings_of_running_instance(settings, environ=None) -> tuple[object, dict | None]:
    """The settings to reach this data folder's instance: the environment's, completed by the
    instance file where the environment leaves a URL unset."""
    env = os.environ if environ is None else environ
    found = running_instance(settings.data_dir)
    if not found:
        return settings, None
    chosen = settings
    if not env.get("IOP_MONGO_URL") and found.get("mongo_url"):
        chosen = replace(chosen, mongo_url=found["mongo_url"])
    if not env.get("IOP_AMQP_URL") and found.get("amqp_url"):
        chosen = replace(chosen, amqp_url=found["amqp_url"])
    if not env.get("IOP_BROKER_NAMESPACE") and found.get("broker_namespace"):
        chosen = replace(chosen, broker_namespace=found["broker_namespace"])
    if not env.get("IOP_HTTP_PORT") and found.get("http_port"):
        chosen = replace(chosen, http_port=int(found["http_port"]))
    return chosen, found


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Nothing listens there (a port left in TIME_WAIT by a stopped run counts as free)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            return True
        except OSError:
            return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
