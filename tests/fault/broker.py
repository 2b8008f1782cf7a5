"""Injecting faults on the local RabbitMQ (the one CI starts): a restart, and connections closed
or refused from the broker's side.

Tests that close or refuse connections connect as a user of their own, so that only their
system's connections are touched, never those of another test run on the same broker. A user is
a record, not a process tree: unlike a virtual host, making and deleting one costs the broker
nothing, even a busy one.
"""
import shutil
import subprocess
import uuid
from contextlib import contextmanager

import pytest

LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672"


def rabbitmqctl(*arguments: str, timeout: float = 120) -> str:
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is not on this machine: cannot inject broker faults")
    return subprocess.run(["rabbitmqctl", *arguments], check=True, capture_output=True, text=True,
                          timeout=timeout).stdout


def restart_local_rabbitmq():
    rabbitmqctl("stop_app")
    rabbitmqctl("start_app")
    rabbitmqctl("await_startup")


def local_rabbitmq(amqp_url: str) -> bool:
    return amqp_url.startswith(LOCAL_RABBITMQ) and shutil.which("rabbitmqctl") is not None


@contextmanager
def own_user(name: str):
    """A user of the local RabbitMQ for one test's system (full rights on ``/``); yields its AMQP
    URL and deletes the user after, which closes whatever connections it still has."""
    password = uuid.uuid4().hex
    try:
        rabbitmqctl("add_user", name, password)
        rabbitmqctl("set_permissions", "-p", "/", name, ".*", ".*", ".*")
        yield f"amqp://{name}:{password}@127.0.0.1:5672//"
    finally:  # also when making it failed half-way (a slow broker): leave no user behind
        try:
            rabbitmqctl("delete_user", name)
        except subprocess.SubprocessError:
            pass


def connections(user: str) -> list[str]:
    """The names of the client connections the user has open."""
    rows = rabbitmqctl("list_connections", "user", "name", "-q", "--no-table-headers").splitlines()
    return [row.split("\t", 1)[1] for row in rows if row.startswith(f"{user}\t")]


def close_connections(user: str, reason: str = "fault test") -> None:
    """Close every connection of the user from the broker's side."""
    rabbitmqctl("close_all_user_connections", user, reason)


def block_user(user: str, reason: str = "fault test") -> None:
    """The user may connect no more, and its connections are closed: to the system connecting as
    that user the broker is down; every other client sees nothing."""
    rabbitmqctl("set_user_limits", user, '{"max-connections": 0}')
    close_connections(user, reason)


def unblock_user(user: str) -> None:
    rabbitmqctl("set_user_limits", user, '{"max-connections": -1}')
