"""Declare every service's queue and bindings on the broker: ``python -m system.topology``.

``make run`` does this before it starts any process; docker-compose runs it once as the
``topology`` job that the workers wait for. Each worker also declares its own queue, but only
this knows every service, so only this guarantees that an event published on a first boot finds
the queues of services whose workers have not started yet.
"""
import logging
import sys

from shared.config import load_settings
from shared.logging_setup import configure_logging
from shared.messaging.connection import broker_connection
from system import services

log = logging.getLogger("topology")


def declare_topology(settings, connect_attempts: int = 3) -> None:
    with broker_connection(settings) as connection:
        connection.ensure_connection(max_retries=connect_attempts)
        services.topology(settings).declare(connection.default_channel)


def main() -> int:
    configure_logging("topology")
    settings = load_settings()
    declare_topology(settings, connect_attempts=30)
    log.info("declared the queues of %s", ", ".join(services.SERVICES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
