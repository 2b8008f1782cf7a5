"""Bounding the event journal on the embedded broker.

RabbitMQ keeps the journal queue at ``x-max-length`` by dropping its oldest messages; kombu's
filesystem transport ignores queue arguments, so `make run`'s supervisor applies the same bound
to the journal's message files. Service queues are never trimmed: their messages are work.
"""
import os
from pathlib import Path

from shared.messaging.embedded_transport import JOURNAL_FOLDER
from shared.messaging.topology import JOURNAL_MAX_LENGTH, Topology


def trim_journal(queue_folder: Path, topology: Topology, max_length: int = JOURNAL_MAX_LENGTH) -> int:
    """Delete the oldest journal messages beyond ``max_length``; returns how many were deleted.
    Journal messages still in the queues' folder (written before the journal had a folder of its
    own) are moved into it first, so that the workers' polls stop listing them."""
    pattern = f"*.{topology.journal_queue.name}.msg"
    journal = Path(queue_folder) / JOURNAL_FOLDER
    journal.mkdir(exist_ok=True)
    for written_before in Path(queue_folder).glob(pattern):
        try:
            os.replace(written_before, journal / written_before.name)
        except FileNotFoundError:
            pass
    # File names start with a millisecond timestamp: its value orders messages by arrival.
    messages = sorted(journal.glob(pattern), key=lambda path: int(path.name.split("_", 1)[0]))
    surplus = messages[:max(0, len(messages) - max_length)]
    for message in surplus:
        message.unlink(missing_ok=True)
    return len(surplus)
