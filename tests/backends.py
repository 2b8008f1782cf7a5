"""Where the test tiers get their database and broker (ARCHITECTURE.md §8).

1. ``IOP_TEST_MONGO_URL`` / ``IOP_TEST_AMQP_URL`` when set;
2. else testcontainers, when a Docker engine answers;
3. else RabbitMQ on 127.0.0.1:5672 when it answers, and the embedded MongoDB stand-in.
A test that cannot get a real broker is skipped with the reason, except in CI (``CI=true``),
where a missing broker is a failure.
"""
import os
import socket
import time
from contextlib import contextmanager

import pytest

from shared.embedded.mongo import start_stand_in

LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


@contextmanager
def mongo_server(tmp_dir):
    """Yields a MongoDB URL."""
    if os.environ.get("IOP_TEST_MONGO_URL"):
        yield os.environ["IOP_TEST_MONGO_URL"]
    elif docker_answers():
        with mongo_container() as url:
            yield url
    else:
        port = free_port()
        process = start_stand_in(tmp_dir, port=port)
        try:
            yield f"mongodb://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def amqp_server():
    """Yields an AMQP URL, or skips (fails under CI=true) when no broker can be had."""
    if os.environ.get("IOP_TEST_AMQP_URL"):
        yield os.environ["IOP_TEST_AMQP_URL"]
    elif docker_answers():
        with rabbitmq_container() as url:
            yield url
    elif port_answers("127.0.0.1", 5672):
        yield LOCAL_RABBITMQ
    else:
        reason = "no RabbitMQ: set IOP_TEST_AMQP_URL, run a Docker engine, or start RabbitMQ on 127.0.0.1:5672"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def mongo_container():
    from pymongo import MongoClient
    from testcontainers.mongodb import MongoDbContainer

    with MongoDbContainer("mongo:7") as container:
        url = container.get_connection_url()
        # The container may report ready before the server accepts connections: ping until it does.
        deadline = time.monotonic() + 60
        while True:
            try:
                MongoClient(url, serverSelectionTimeoutMS=1000).admin.command("ping")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield url


@contextmanager
def rabbitmq_container():
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-management") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}//"
