"""docker-compose.yml, proven without Docker: ``python -m system.compose_check`` (``make compose-check``).

No Docker engine runs where this project is developed, so this runs what the compose file says as
local processes: each container's exact command and environment (with ``${VAR:-default}``
interpolated as compose does), in the order its ``depends_on`` conditions give, each judged by
its own healthcheck; then it drives a completion through the gateway, opens the dashboard, and
scrapes every target of the Prometheus configuration (with Debian's ``prometheus`` when it is
installed, which must then report every target up).

What stands in for a container, and the only rewriting done:
- each container's host name and port become 127.0.0.1 and a free port, in commands,
  environment, healthchecks and the nginx configuration; a container's ``/tmp`` and the files
  mounted into it become folders and files of this machine;
- ``mongo`` is this machine's database: ``IOP_TEST_MONGO_URL`` if set, else the embedded
  stand-in (no replica set, so ``replicaSet`` is dropped from the URL);
- ``rabbitmq`` is the RabbitMQ on 127.0.0.1:5672 (guest/guest), with a namespace of this run's own;
- ``gateway`` is Debian's nginx with deploy/gateway/nginx.conf as its server block;
- ``python``/``gunicorn`` are this virtualenv's; resource limits and log rotation are Docker's own
  and are not exercised.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import yaml

from shared.embedded.mongo import start_stand_in
from system.instance import free_port

ROOT = Path(__file__).resolve().parent.parent
LOCAL_RABBITMQ = ("127.0.0.1", 5672)
# The images this machine stands in for; every other container is built from the Dockerfile.
INFRASTRUCTURE = {"mongo", "rabbitmq", "gateway", "prometheus"}
OPERATOR = {"Authorization": "Bearer demo-operator"}
CLINICIAN = {"Authorization": "Bearer demo-mpls-clinician"}


class CheckFailed(AssertionError):
    pass


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's variable syntax: ``${VAR:-default}``, ``${VAR}``, ``$$`` for a literal ``$``."""
    def substitute(match):
        name, default = match.group(1), match.group(3)
        return env.get(name) or (default if default is not None else "")

    value = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}", substitute, value)
    return value.replace("$$", "$")


class ComposeRun:
    """One run of the compose file on this machine; ``stop()`` ends every process it started."""

    def __init__(self, compose_file: Path = ROOT / "docker-compose.yml", log=print):
        self.compose = yaml.safe_load(Path(compose_file).read_text())
        self.services: dict = self.compose["services"]
        self.log = log
        self.folder = Path(tempfile.mkdtemp(prefix="iop-compose-check-"))
        self.namespace = f"cc{uuid.uuid4().hex[:10]}"
        self.ports: dict[tuple[str, int], int] = {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.interpolation_env = {**os.environ, "IOP_RABBITMQ_USER": "guest", "IOP_RABBITMQ_PASSWORD": "guest"}
        self.mongo_url: str | None = None

    # -- addresses ----------------------------------------------------------------------------

    def port(self, service: str, container_port: int) -> int:
        return self.ports.setdefault((service, container_port), free_port())

    def localise(self, text: str, service: str) -> str:
        """Host names and ports of the compose network, and the container's /tmp, made local."""
        def address(match):
            host, port = match.group(1), int(match.group(2))
            if host == "rabbitmq":
                return f"{LOCAL_RABBITMQ[0]}:{LOCAL_RABBITMQ[1]}"
            if host in ("127.0.0.1", "0.0.0.0", "localhost"):
                return f"127.0.0.1:{self.port(service, port)}"
            return f"127.0.0.1:{self.port(host, port)}" if host in self.services else match.group(0)

        text = re.sub(r"\b([a-z0-9][a-z0-9.-]*):(\d{2,5})\b", address, text)
        return text.replace("/tmp/", f"{self.folder / service / 'tmp'}/")

    def mounted(self, service: str) -> dict[str, str]:
        """Container paths of the files the service mounts, and where they are on this machine."""
        found = {}
        for volume in self.services[service].get("volumes", []):
            parts = interpolate(volume, self.interpolation_env).split(":")
            if len(parts) >= 2 and parts[0].startswith((".", "/")):
                found[parts[1]] = str((ROOT / parts[0]).resolve())
        return found

    def environment(self, service: str) -> dict[str, str]:
        env = {key: v for key, v in os.environ.items() if not key.startswith("IOP_")}
        mounts = self.mounted(service)
        for name, value in (self.services[service].get("environment") or {}).items():
            value = self.localise(interpolate(str(value), self.interpolation_env), service)
            env[name] = mounts.get(value, value)
        if "IOP_MONGO_URL" in env:
            env["IOP_MONGO_URL"] = self.mongo_url
        env["IOP_BROKER_NAMESPACE"] = self.namespace  # this run's own exchanges and queues
        (self.folder / service / "tmp").mkdir(parents=True, exist_ok=True)
        env.setdefault("IOP_WORKER_HEARTBEAT_FILE", str(self.folder / service / "tmp" / "iop-worker.alive"))
        return env

    def argv(self, words: list[str], service: str) -> list[str]:
        words = [self.localise(interpolate(str(word), self.interpolation_env), service) for word in words]
        if words and words[0] == "python":
            return [sys.executable, *words[1:]]
        if words and words[0] == "gunicorn":
            return [sys.executable, "-m", "gunicorn", *words[1:]]
        return words

    # -- the containers ---------------------------------------------------------------------------

    def start_database(self) -> None:
        if os.environ.get("IOP_TEST_MONGO_URL"):
            self.mongo_url = os.environ["IOP_TEST_MONGO_URL"]
            self.log(f"mongo      -> this machine's MongoDB {self.mongo_url}")
            return
        port = self.port("mongo", 27017)
        self.processes["mongo"] = start_stand_in(self.folder / "mongo", port=port)
        self.mongo_url = f"mongodb://127.0.0.1:{port}"
        self.log(f"mongo      -> the embedded stand-in on {self.mongo_url} (no replica set: replicaSet dropped)")

    def start(self, service: str) -> None:
        spec = self.services[service]
        if service == "mongo":
            return self.start_database()
        if service == "rabbitmq":
            if not _answers(*LOCAL_RABBITMQ):
                raise CheckFailed("no RabbitMQ answers on 127.0.0.1:5672")
            return self.log(f"rabbitmq   -> RabbitMQ on 127.0.0.1:5672, namespace {self.namespace}")
        if service == "gateway":
            return self.start_gateway()
        if service == "prometheus":
            return self.start_prometheus()
        argv = self.argv(spec["command"], service)
        self.log(f"{service:<10} -> {' '.join(argv)}")
        log = open(self.folder / f"{service}.log", "ab")
        self.processes[service] = subprocess.Popen(argv, cwd=ROOT, env=self.environment(service), stdout=log,
                                                   stderr=subprocess.STDOUT, start_new_session=True)

    def start_gateway(self) -> None:
        server = self.localise((ROOT / "deploy/gateway/nginx.conf").read_text(), "gateway")
        server = re.sub(r"listen\s+(\d+);", lambda m: f"listen 127.0.0.1:{self.port('gateway', int(m.group(1)))};", server)
        folder = self.folder / "gateway"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "default.conf").write_text(server)
        temp_paths = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in
                               ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        (folder / "nginx.conf").write_text(
            f"{'user root;' if os.geteuid() == 0 else ''}\ndaemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log;\nevents {{}}\nhttp {{\n    {mime}\n    access_log {folder}/access.log;\n"
            f"{temp_paths}\n    include {folder}/default.conf;\n}}\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [nginx, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.log(f"gateway    -> {' '.join(argv)} (server block: deploy/gateway/nginx.conf)")
        self.processes["gateway"] = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                                     start_new_session=True)

    def prometheus_config(self) -> dict:
        """deploy/prometheus/prometheus.yml, its DNS names resolved to this run's addresses."""
        volume = next(v for v in self.services["prometheus"]["volumes"] if v.endswith("prometheus.yml:ro"))
        config = yaml.safe_load((ROOT / volume.split(":")[0]).read_text())
        for job in config["scrape_configs"]:
            targets = [f"127.0.0.1:{self.port(name, sd['port'])}" for sd in job.pop("dns_sd_configs", [])
                       for name in sd["names"]]
            job.setdefault("static_configs", []).append({"targets": targets})
        return config

    def start_prometheus(self) -> None:
        folder = self.folder / "prometheus"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "prometheus.yml").write_text(yaml.safe_dump(self.prometheus_config()))
        binary = shutil.which("prometheus")
        if binary is None:
            return self.log("prometheus -> not installed here (apt-get install prometheus): its targets are scraped "
                            "directly instead")
        argv = [binary, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port('prometheus', 9090)}"]
        self.log(f"prometheus -> {' '.join(argv)}")
        log = open(folder / "prometheus.log", "ab")
        self.processes["prometheus"] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy(self, service: str) -> bool:
        """The container's own healthcheck, run here; for mongo and rabbitmq, that they answer."""
        process = self.processes.get(service)
        if process is not None and process.poll() is not None:
            raise CheckFailed(f"{service} exited with {process.returncode}; see {self.folder}/{service}.log")
        if service == "mongo":
            return _answers("127.0.0.1", int(self.mongo_url.rsplit(":", 1)[1].split("/")[0]))
        if service == "rabbitmq":
            return _answers(*LOCAL_RABBITMQ)
        if service == "prometheus" and "prometheus" not in self.processes:
            return True
        test = self.services[service]["healthcheck"]["test"]
        if test[0] == "CMD-SHELL":
            argv = ["sh", "-c", self.localise(interpolate(test[1], {}), service)]
        else:
            argv = self.argv(test[1:], service)
            if argv[0] == "wget" and shutil.which("wget") is None:
                argv = ["curl", "-fsS", argv[-1]]
        return subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=10).returncode == 0

    def wait_for(self, service: str, condition: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition == "service_completed_successfully":
                code = self.processes[service].poll()
                if code == 0:
                    return
                if code is not None:
                    raise CheckFailed(f"{service} exited with {code}; see {self.folder}/{service}.log")
            elif self.healthy(service):
                return
            time.sleep(0.5)
        raise CheckFailed(f"{service} not {condition} within {timeout:.0f}s; see {self.folder}")

    def up(self, timeout: float = 120) -> None:
        """Every container in ``depends_on`` order, each started once its conditions hold."""
        started: list[str] = []
        remaining = list(self.services)
        while remaining:
            ready = [name for name in remaining if set(self.services[name].get("depends_on") or {}) <= set(started)]
            if not ready:
                raise CheckFailed(f"depends_on cannot be satisfied for {remaining}")
            for name in ready:
                for dependency, rule in (self.services[name].get("depends_on") or {}).items():
                    self.wait_for(dependency, rule["condition"], timeout)
                self.start(name)
                started.append(name)
                remaining.remove(name)
        for name in self.services:
            if "healthcheck" in self.services[name] or name in ("mongo", "rabbitmq"):
                self.wait_for(name, "service_healthy", timeout)
        self.log(f"every container healthy by its own healthcheck ({len(self.services)} containers)")

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM) if name != "mongo" else process.terminate()
                except ProcessLookupError:
                    pass
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self._delete_broker_namespace()

    def _delete_broker_namespace(self) -> None:
        from dataclasses import replace

        from shared.config import load_settings
        from system.services import topology

        settings = replace(load_settings({"IOP_AMQP_URL": "amqp://guest:guest@127.0.0.1:5672//"}),
                           broker_namespace=self.namespace)
        try:
            from kombu import Connection

            with Connection(settings.amqp_url) as connection:
                channel = connection.channel()
                every = topology(settings)
                for entity in [*every.all_queues(), every.events_exchange, every.dead_letter_exchange]:
                    try:
                        entity(channel).delete()
                    except Exception:
                        channel = connection.channel()
        except Exception as error:
            self.log(f"broker namespace {self.namespace} not deleted: {error}")


def _answers(host: str, port: int) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


# -- what is checked through the gateway ------------------------------------------------------------

def _ok(answer, status=200) -> dict:
    if answer.status_code != status:
        raise CheckFailed(f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def _eventually(read, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = read()
        except requests.RequestException:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise CheckFailed(f"{what} not there within {timeout:.0f}s")


def drive_a_completion(base: str, log=print) -> str:
    """Register, admit and complete a patient through the gateway; wait for aftercare's plan, the
    follow-up appointment and the medication reconciliation. Returns the enrollment id."""
    stamp = uuid.uuid4().hex[:8]
    patient = _ok(requests.post(f"{base}/intake/v1/patients", headers=CLINICIAN, timeout=10, json={
        "mrn": f"CC-{stamp}", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}), 201)
    start = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 60 * 86400))
    enrollment = _ok(requests.post(f"{base}/intake/v1/enrollments", headers=CLINICIAN, timeout=10, json={
        "patient_id": patient["id"], "program": "mh-adult", "start_date": start}), 201)
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))  # yesterday in UTC: not after any site's today
    _ok(requests.post(f"{base}/intake/v1/enrollments/{enrollment['id']}/discharge", headers=CLINICIAN, timeout=10,
                      json={"outcome": "completed", "discharge_date": today,
                            "step_down": {"level_of_care": "outpatient_therapy"}}))
    log(f"completion of enrollment {enrollment['id']} sent through the gateway {base}")

    def listed(path, **params):
        answer = requests.get(f"{base}{path}", params=params, headers=CLINICIAN, timeout=10)
        return answer.json() if answer.status_code == 200 and answer.json() else None

    _eventually(lambda: listed("/aftercare/v1/plans", enrollment_id=enrollment["id"]), "the aftercare plan")
    _eventually(lambda: listed("/scheduling/v1/appointments", patient_id=patient["id"], kind="aftercare_follow_up"),
                "the follow-up appointment")
    _eventually(lambda: listed("/medication/v1/reconciliations", enrollment_id=enrollment["id"]),
                "the medication reconciliation")
    log("aftercare plan, follow-up appointment and reconciliation made by the workers")
    return enrollment["id"]


def check_dashboard(base: str, log=print) -> dict:
    page = requests.get(f"{base}/dashboard/", timeout=10)
    if page.status_code != 200 or "chart-census" not in page.text:
        raise CheckFailed(f"the dashboard page through the gateway: {page.status_code}")
    summary = _ok(requests.get(f"{base}/dashboard/v1/summary", headers=OPERATOR, timeout=30))
    not_ready = [row["service"] for row in summary["pipeline"] if not row["ready"]]
    if not_ready:
        raise CheckFailed(f"the dashboard sees these services not ready: {not_ready}")
    log(f"dashboard through the gateway: {len(summary['pipeline'])} services ready, census of "
        f"{len(summary['census'] or [])} site(s)")
    return summary


def check_scrapes(run: ComposeRun, log=print) -> int:
    """Every target of the Prometheus configuration answers Prometheus text; with Prometheus
    running, Prometheus itself reports every target up."""
    from prometheus_client.parser import text_string_to_metric_families

    config = run.prometheus_config()
    count = 0
    for job in config["scrape_configs"]:
        for target in job["static_configs"][0]["targets"]:
            answer = requests.get(f"http://{target}{job.get('metrics_path', '/metrics')}", timeout=10)
            families = list(text_string_to_metric_families(answer.text)) if answer.status_code == 200 else []
            if not any(family.name.startswith("iop_") for family in families):
                raise CheckFailed(f"{job['job_name']} target {target}: no iop_ metrics ({answer.status_code})")
            count += 1
    if "prometheus" in run.processes:
        url = f"http://127.0.0.1:{run.port('prometheus', 9090)}/api/v1/targets"

        def all_up():
            targets = requests.get(url, timeout=5).json()["data"]["activeTargets"]
            return len(targets) == count and all(target["health"] == "up" for target in targets)

        _eventually(all_up, "every Prometheus target up", timeout=60)
        log(f"Prometheus scraped all {count} targets: every one up")
    else:
        log(f"{count} scrape targets answered Prometheus text (Prometheus itself not installed)")
    return count


def run_check(log=print, keep_running: bool = False) -> None:
    run = ComposeRun(log=log)
    log(f"docker-compose.yml as local processes (logs in {run.folder})")
    try:
        run.up()
        base = f"http://127.0.0.1:{run.port('gateway', 8000)}"
        drive_a_completion(base, log)
        check_dashboard(base, log)
        check_scrapes(run, log)
        log("compose check passed")
        if keep_running:
            log(f"running until Ctrl-C: {base}")
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        run.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m system.compose_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-running", action="store_true", help="Leave it running until Ctrl-C after the check.")
    args = parser.parse_args(argv)
    try:
        run_check(keep_running=args.keep_running)
    except CheckFailed as failure:
        print(f"compose check FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
