"""Bounding the event journal on the embedded broker.

RabbitMQ keeps the journal queue at ``x-max-length`` by dropping its oldest messages, and drops
messages older than the journal policy's TTL; kombu's filesystem transport ignores queue arguments
and policies, so `make run`'s supervisor applies both bounds to the journal's message files.
Service queues are never trimmed: their messages are work.
"""
import bisect
import os
import time
from pathlib import Path

from shared.messaging.embedded_transport import JOURNAL_FOLDER
from shared.messaging.topology import JOURNAL_MAX_LENGTH, JOURNAL_MESSAGE_TTL_MS, Topology


def trim_journal(queue_folder: Path, topology: Topology, max_length: int = JOURNAL_MAX_LENGTH,
                 max_age_ms: int = JOURNAL_MESSAGE_TTL_MS, now_ms: int | None = None) -> int:
    """Delete the journal messages beyond ``max_length`` (the oldest) and those older than
    ``max_age_ms``; returns how many were deleted. Journal messages still in the queues' folder
    (written before the journal had a folder of its own) are moved into it first, so that the
    workers' polls stop listing them."""
    suffix = f".{topology.journal_queue.name}.msg"
    journal = Path(queue_folder) / JOURNAL_FOLDER
    journal.mkdir(exist_ok=True)
    for name in os.listdir(queue_folder):
        if name.endswith(suffix):
            try:
                os.replace(Path(queue_folder) / name, journal / name)
            except FileNotFoundError:
                pass
    # File names start with the millisecond their message was written, which orders them by
    # arrival. Names, not paths, are held: up to max_length of them at each trim.
    stamped = sorted((int(name.split("_", 1)[0]), name) for name in os.listdir(journal) if name.endswith(suffix))
    oldest_kept = (time.time() * 1000 if now_ms is None else now_ms) - max_age_ms
    surplus = max(len(stamped) - max_length, bisect.bisect_left(stamped, (oldest_kept, "")))
    for _, name in stamped[:surplus]:
        (journal / name).unlink(missing_ok=True)
    return surplus
