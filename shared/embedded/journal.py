"""Bounding the event journal on the embedded broker.

RabbitMQ keeps the journal queue at ``x-max-length`` by dropping its oldest messages; kombu's
filesystem transport ignores queue arguments, so `make run`'s supervisor applies the same bound
to the journal's message files. Service queues are never trimmed: their messages are work.
"""
from pathlib import Path

from shared.messaging.topology import JOURNAL_MAX_LENGTH, Topology


def trim_journal(queue_folder: Path, topology: Topology, max_length: int = JOURNAL_MAX_LENGTH) -> int:
    """Delete the oldest journal messages beyond ``max_length``; returns how many were deleted."""
    # File names start with a millisecond timestamp: its value orders messages by arrival.
    messages = sorted(Path(queue_folder).glob(f"*.{topology.journal_queue.name}.msg"),
                      key=lambda path: int(path.name.split("_", 1)[0]))
    surplus = messages[:max(0, len(messages) - max_length)]
    for message in surplus:
        message.unlink(missing_ok=True)
    return len(surplus)
