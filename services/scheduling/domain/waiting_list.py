"""Group capacity: whether a new patient gets a seat or a place on the waiting list, and who is next.

A group never goes over capacity (DOMAIN.md). Seats are given first come, first served: a
newcomer does not take a free seat while someone is already waiting for it.
"""
from dataclasses import dataclass
from datetime import datetime

ENROLLED = "enrolled"
WAITLISTED = "waitlisted"


@dataclass(frozen=True)
class WaitingListEntry:
    enrollment_id: str
    joined_at: datetime  # aware


def place_patient(enrolled_count: int, capacity: int, waiting_count: int = 0) -> str:
    """``"enrolled"`` when a seat is free and nobody is waiting for it, else ``"waitlisted"``."""
    if capacity < 1:
        raise ValueError("a group has a capacity of at least 1")
    if enrolled_count < capacity and waiting_count == 0:
        return ENROLLED
    return WAITLISTED


def next_from_waiting_list(entries) -> WaitingListEntry | None:
    """The entry that has waited longest, or ``None`` when nobody waits.

    Entries that joined at the same instant keep the order of the list, which is the order they
    were appended in (each append is one versioned write), so two workers give the same answer.
    """
    return min(entries, key=lambda entry: entry.joined_at, default=None)
