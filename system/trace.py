"""Where one request's events were handled, read from every service's inbox: ``trace()`` is what
tests await on. ``python -m system.trace <id>`` is kept for scripts written before ``iop``; it is
the same as ``iop journey <id>``, which also shows who produced each event and what is pending
or dead-lettered.
"""
import sys

from shared.database import service_database
from shared.messaging.consumer import INBOX
from system.services import SERVICES


def trace(settings, correlation_id: str) -> list[dict]:
    """Every handling of an event with this correlation id, in the order it happened."""
    steps = []
    for service in SERVICES:
        inbox = service_database(settings, service)[INBOX]
        for record in inbox.find({"correlation_id": correlation_id}):
            steps.append({"handled_at": record["handled_at"], "service": service,
                          "event_type": record["event_type"], "event_id": record["_id"], "site_id": record["site_id"]})
    return sorted(steps, key=lambda step: str(step["handled_at"]))


if __name__ == "__main__":
    from system.cli import main

    sys.exit(main(["journey", *sys.argv[1:]]))
