"""Operators' command for the dead-letter queues: see what failed and why, and replay it.

    python -m system.dead_letters list aftercare          # peek; nothing is removed
    python -m system.dead_letters replay aftercare        # republish every dead letter
    python -m system.dead_letters replay aftercare --limit 10

Replay publishes each message, unchanged, back to the events exchange with its original routing
key, and removes it from the dead-letter queue only after the broker confirmed the republish.
Output names event ids, types, sites and reasons: never payloads.
"""
import argparse
import json
import sys

from shared.config import load_settings
from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from system.services import SERVICES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.action == "list":
        for entry in list_dead_letters(settings, args.service, args.limit or 100):
            print(json.dumps(entry))
    else:
        print(f"replayed {replay_dead_letters(settings, args.service, args.limit)} message(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
