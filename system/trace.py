"""Follow one request through every service: the events its correlation id caused, where handled.

    python -m system.trace <correlation-id>      # the X-Request-ID of the call that started it

Each consumer records what it handled in its inbox with the event's correlation id, so the trace
reads every service's inbox (on IOP_MONGO_URL, or the embedded stand-in). It prints ids,
types and times only: never payloads.
"""
import argparse
import sys

from shared.config import load_settings
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="follow one correlation id through every service")
    parser.add_argument("correlation_id")
    args = parser.parse_args(argv)
    steps = trace(load_settings(), args.correlation_id)
    for step in steps:
        print(f"{step['handled_at']}  {step['service']:<10}  {step['event_type']:<38}  {step['event_id']}")
    if not steps:
        print("no event with this correlation id was handled (yet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
