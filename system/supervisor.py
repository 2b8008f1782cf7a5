"""``make run``: every API and worker in the foreground; Ctrl-C stops all of it.

With IOP_MONGO_URL unset it starts the MongoDB stand-in (data in IOP_DATA_DIR, default ./var) on a
free port of its own; with IOP_AMQP_URL unset the workers share kombu's filesystem transport under
the same folder. One supervisor per data folder: a second one on the same folder is refused
(system/instance.py), so two instances never share a database by accident. A process that dies
is started again, so one crash does not stop the others.
"""
import argparse
import logging
import os
import signal
import subprocess
import sys
import time

from shared.config import load_settings
from shared.embedded.journal import trim_journal
from shared.embedded.mongo import start_stand_in
from shared.logging_setup import configure_logging
from shared.metrics import WORKER_METRICS_BIND
from shared.sites import load_sites
from system import instance, services
from system.topology import declare_topology

log = logging.getLogger("supervisor")

RESTART_DELAY_SECONDS = 2
JOURNAL_TRIM_INTERVAL_SECONDS = 60
GUNICORN_SETTINGS = "python:shared.observability_gunicorn"

EPILOG = """configuration (environment variables; unset means the embedded default):
  IOP_HTTP_PORT            port of the one base URL (8000)
  IOP_DATA_DIR             embedded data: database files, filesystem broker, instance.json (./var)
  IOP_MONGO_URL            MongoDB URL (unset: the embedded stand-in, on a free port)
  IOP_EMBEDDED_MONGO_PORT  pin the stand-in's port (refused if that port is taken)
  IOP_AMQP_URL             RabbitMQ URL (unset: kombu's filesystem transport under IOP_DATA_DIR)
  IOP_SITES_FILE           sites and key digests (unset: the demo file, keys in the README)
  IOP_API_WORKERS          gunicorn workers behind the base URL (2)
  IOP_WORKERS_PER_SERVICE  worker processes of each service, competing consumers of its queue (1)
  IOP_LOG_FORMAT           json or console (unset: console in a terminal, else json)

examples:
  make run                                          # the same as: python -m system.supervisor
  IOP_DATA_DIR=./var-2 IOP_HTTP_PORT=8001 make run  # a second instance beside the first
  iop status                                        # what this instance runs, from another terminal
"""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m system.supervisor",
        description="Start every API (one base URL), every worker and the operators' dashboard in the "
                    "foreground; Ctrl-C stops all of it.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser.parse_args(argv)


def worker_names(workers_per_service: int) -> dict[str, str]:
    """Each worker process's name and its service: ``aftercare-worker``, then ``aftercare-worker-2``...

    The workers of one service consume the same queue (competing consumers: RabbitMQ gives each
    message to one of them) and each runs the relay and sweeps, which are safe to run twice (the
    outbox removal is guarded per entry, the sweeps' writes are idempotent)."""
    return {f"{service}-worker" + (f"-{number}" if number > 1 else ""): service
            for service in services.SERVICES for number in range(1, workers_per_service + 1)}


def commands(port: int, api_workers: int, workers_per_service: int = 1) -> dict[str, list[str]]:
    python = sys.executable
    procs = {
        "gateway": [python, "-m", "gunicorn", "-c", GUNICORN_SETTINGS, "--bind", f"127.0.0.1:{port}",
                    "--workers", str(api_workers), "system.gateway:create_gateway()"],
    }
    for name, service in worker_names(workers_per_service).items():
        procs[name] = [python, "-m", f"services.{service}.worker"]
    return procs


def process_environments(env: dict[str, str], metrics_ports: dict[str, int]) -> dict[str, dict[str, str]]:
    """Each worker process serves its metrics on a port of its own (``metrics_ports`` by process
    name); the gateway's dashboard reads each service's first worker."""
    first_workers = worker_names(1)
    urls = ",".join(f"{service}=http://127.0.0.1:{metrics_ports[name]}/metrics"
                    for name, service in first_workers.items() if name in metrics_ports)
    environments = {"gateway": {**env, "IOP_WORKER_METRICS_URLS": urls}}
    for name, port in metrics_ports.items():
        environments[name] = {**env, WORKER_METRICS_BIND: f"127.0.0.1:{port}"}
    return environments


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


def start_database(settings, env: dict[str, str]):
    """The stand-in, when no IOP_MONGO_URL is given: on IOP_EMBEDDED_MONGO_PORT if set (refused when
    taken: it would be another instance's database), else on a free port. Returns (process, URL)."""
    if settings.mongo_url is not None:
        return None, settings.mongo_url
    pinned = env.get("IOP_EMBEDDED_MONGO_PORT")
    port = int(pinned) if pinned else instance.free_port()
    if not instance.port_is_free(port):
        raise instance.Refused(f"IOP_EMBEDDED_MONGO_PORT={port} is taken (another instance's database?): "
                         "unset it to get a free port, or choose another")
    url = f"mongodb://127.0.0.1:{port}"
    process = start_stand_in(settings.data_dir, port=port)
    log.info("MongoDB stand-in on %s, data in %s", url, settings.data_dir / "mongo")
    return process, url


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


def prepare(settings):
    """Claim the data folder, check the port, start the database: (lock, stand-in, env, details)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = instance.claim(settings.data_dir)
    if not instance.port_is_free(settings.http_port):
        raise instance.Refused(f"port {settings.http_port} is taken (another `make run`?): set IOP_HTTP_PORT to a free one")
    env = dict(os.environ)
    stand_in, mongo_url = start_database(settings, env)
    env["IOP_MONGO_URL"] = mongo_url
    metrics_ports = {name: instance.free_port() for name in worker_names(workers_per_service())}
    details = {"pid": os.getpid(), "data_dir": str(settings.data_dir), "http_port": settings.http_port,
               "base_url": f"http://127.0.0.1:{settings.http_port}", "mongo_url": mongo_url,
               "embedded_database": stand_in is not None, "amqp_url": settings.amqp_url,
               "broker_namespace": settings.broker_namespace,
               "worker_metrics": {_metrics_name(name): f"http://127.0.0.1:{port}/metrics"
                                  for name, port in metrics_ports.items()}}
    instance.publish(lock, details)
    return lock, stand_in, process_environments(env, metrics_ports), details


def workers_per_service() -> int:
    return max(1, int(os.environ.get("IOP_WORKERS_PER_SERVICE", "1")))


def _metrics_name(process_name: str) -> str:
    # instance.json names each service's first worker by the service (as `iop status` reads it).
    return process_name.removesuffix("-worker")


def supervise(settings, specs, environments, running: dict, is_stopping) -> None:
    """Start every process into ``running`` and start again any that exits, until told to stop."""
    for name, argv in specs.items():
        running[name] = subprocess.Popen(argv, env=environments[name])
    topology = services.topology(settings)
    next_trim = time.monotonic()
    while not is_stopping():
        time.sleep(0.5)
        if settings.amqp_url is None and time.monotonic() >= next_trim:
            trim_journal(settings.data_dir / "broker" / "queues", topology)
            next_trim = time.monotonic() + JOURNAL_TRIM_INTERVAL_SECONDS
        for name, process in list(running.items()):
            if process.poll() is not None and not is_stopping():
                log.warning("%s exited with %s; starting it again in %ds", name, process.returncode, RESTART_DELAY_SECONDS)
                time.sleep(RESTART_DELAY_SECONDS)
                running[name] = subprocess.Popen(specs[name], env=environments[name])


def main(argv: list[str] | None = None) -> int:
    parse_arguments(argv)
    configure_logging("supervisor")
    settings = load_settings()
    check_sites_file(settings)
    try:
        lock, stand_in, environments, details = prepare(settings)
    except instance.Refused as refusal:
        log.error("%s", refusal)
        print(f"not started: {refusal}", file=sys.stderr)
        return 2
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
    specs = commands(settings.http_port, int(os.environ.get("IOP_API_WORKERS", "2")), workers_per_service())
    log.info("serving %s (%s); dashboard %s/dashboard/; worker metrics %s; Ctrl-C stops", details["base_url"],
             ", ".join(services.SERVICES), details["base_url"],
             " ".join(f"{s}={url}" for s, url in details["worker_metrics"].items()))
    running = {}
    try:
        supervise(settings, specs, environments, running, lambda: stopping)
    finally:
        log.info("stopping")
        stop_all(running.values(), stand_in)
        lock.close()
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
