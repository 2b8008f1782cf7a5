"""``make run``: every API and worker in the foreground; Ctrl-C stops all of it.

With IOP_MONGO_URL unset it starts the MongoDB stand-in (data in IOP_DATA_DIR, default ./var);
with IOP_AMQP_URL unset the workers share kombu's filesystem transport under the same folder.
A process that dies is started again, so one crash does not stop the others.
"""
import logging
import os
import signal
import subprocess
import sys
import time

from shared.config import load_settings
from shared.embedded.journal import trim_journal
from shared.embedded.mongo import EMBEDDED_MONGO_URL, start_stand_in
from shared.logging_setup import configure_logging
from shared.sites import load_sites
from system import services
from system.topology import declare_topology

log = logging.getLogger("supervisor")

RESTART_DELAY_SECONDS = 2
JOURNAL_TRIM_INTERVAL_SECONDS = 60


def commands(port: int, api_workers: int) -> dict[str, list[str]]:
    python = sys.executable
    procs = {
        "gateway": [python, "-m", "gunicorn", "-c", "python:shared.http.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(api_workers), "system.gateway:create_gateway()"],
    }
    for service in services.SERVICES:
        procs[f"{service}-worker"] = [python, "-m", f"services.{service}.worker"]
    return procs


def check_sites_file(settings) -> None:
    """Fail fast, with the reason, on a broken sites file, including each service's own settings,
    rather than restart crashing processes in a loop."""
    services.check_sites(settings, load_sites(settings.sites_file))


def declare_every_queue(settings) -> None:
    """Every service's queue before any process publishes. A broker that does not answer yet is
    not fatal here: each worker declares its own queue when it connects."""
    try:
        declare_topology(settings)
    except Exception as error:
        log.warning("broker topology not declared at start (%s); workers declare their own queues", error)


def stop_all(processes, stand_in) -> None:
    """SIGTERM to every process, 15 s to finish their work, then the database stand-in."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    if stand_in is not None:
        stand_in.terminate()
        try:
            stand_in.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stand_in.kill()


def main() -> int:
    configure_logging("supervisor")
    settings = load_settings()
    check_sites_file(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    stand_in = None
    if settings.mongo_url is None:
        stand_in = start_stand_in(settings.data_dir)
        env["IOP_MONGO_URL"] = EMBEDDED_MONGO_URL
        log.info("MongoDB stand-in on %s, data in %s", EMBEDDED_MONGO_URL, settings.data_dir / "mongo")
    if settings.amqp_url is None:
        log.info("embedded broker (kombu filesystem transport) in %s", settings.data_dir / "broker")
    if settings.sites_file == load_settings({}).sites_file:
        log.info("demo sites file in use: keys are listed in the README")

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    declare_every_queue(settings)
    specs = commands(settings.http_port, int(env.get("IOP_API_WORKERS", "2")))
    running = {name: subprocess.Popen(argv, env=env) for name, argv in specs.items()}
    log.info("serving http://127.0.0.1:%d (%s); Ctrl-C stops", settings.http_port, ", ".join(services.SERVICES))
    topology = services.topology(settings)
    next_trim = time.monotonic()
    try:
        while not stopping:
            time.sleep(0.5)
            if settings.amqp_url is None and time.monotonic() >= next_trim:
                trim_journal(settings.data_dir / "broker" / "queues", topology)
                next_trim = time.monotonic() + JOURNAL_TRIM_INTERVAL_SECONDS
            for name, process in list(running.items()):
                if process.poll() is not None and not stopping:
                    log.warning("%s exited with %s; starting it again in %ds", name, process.returncode, RESTART_DELAY_SECONDS)
                    time.sleep(RESTART_DELAY_SECONDS)
                    running[name] = subprocess.Popen(specs[name], env=env)
    finally:
        log.info("stopping")
        stop_all(running.values(), stand_in)
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
