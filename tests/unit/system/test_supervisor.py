"""What ``make run`` starts: the gateway and each service's workers, with their metrics ports."""
from system import services
from system.supervisor import commands, process_environments, worker_names


def test_one_worker_per_service_by_default_each_running_its_service_module():
    specs = commands(8000, api_workers=2)
    assert set(specs) == {"gateway", *(f"{service}-worker" for service in services.SERVICES)}
    assert specs["aftercare-worker"][-1] == "services.aftercare.worker"


def test_more_workers_per_service_compete_for_the_same_queue_under_names_of_their_own():
    specs = commands(8000, api_workers=2, workers_per_service=2)
    assert specs["aftercare-worker-2"] == specs["aftercare-worker"]
    assert len(specs) == 1 + 2 * len(services.SERVICES)


def test_every_worker_process_serves_metrics_on_its_own_port_and_the_dashboard_reads_the_first():
    ports = {name: 9000 + number for number, name in enumerate(worker_names(2))}
    environments = process_environments({}, ports)
    binds = {environments[name]["IOP_WORKER_METRICS_BIND"] for name in ports}
    assert len(binds) == len(ports)
    dashboard = dict(pair.split("=", 1) for pair in environments["gateway"]["IOP_WORKER_METRICS_URLS"].split(","))
    assert dashboard["aftercare"] == f"http://127.0.0.1:{ports['aftercare-worker']}/metrics"
    assert set(dashboard) == set(services.SERVICES)
