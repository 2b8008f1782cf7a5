"""A group's roster: who holds a seat, who waits, and who moves up when a seat frees.

The roster is stored on the group document as two lists (``members`` and ``waiting_list``) of
``{enrollment_id, patient_id, joined_at}`` entries, so that a capacity check and the seat it
grants are one single-document write. These functions only compute the new lists; the caller
writes them. Each is idempotent: applying it to a roster that already reflects the change
returns that roster unchanged, which is what makes redelivered events harmless.
"""
from dataclasses import dataclass
from datetime import datetime

from services.scheduling.domain.waiting_list import (
    ENROLLED,
    WAITLISTED,
    WaitingListEntry,
    next_from_waiting_list,
    place_patient,
)


@dataclass(frozen=True)
class Roster:
    members: list[dict]
    waiting_list: list[dict]

    def placement_of(self, enrollment_id: str) -> str | None:
        """``"enrolled"``, ``"waitlisted"`` or ``None`` when the enrollment is on neither list."""
        if any(entry["enrollment_id"] == enrollment_id for entry in self.members):
            return ENROLLED
        if any(entry["enrollment_id"] == enrollment_id for entry in self.waiting_list):
            return WAITLISTED
        return None


def join(roster: Roster, capacity: int, enrollment_id: str, patient_id: str, joined_at: datetime) -> Roster:
    """The roster with the enrollment seated, or queued when the group is full or others wait."""
    if roster.placement_of(enrollment_id) is not None:
        return roster
    entry = {"enrollment_id": enrollment_id, "patient_id": patient_id, "joined_at": joined_at}
    if place_patient(len(roster.members), capacity, len(roster.waiting_list)) == ENROLLED:
        return Roster([*roster.members, entry], roster.waiting_list)
    return Roster(roster.members, [*roster.waiting_list, entry])


def leave(roster: Roster, enrollment_id: str) -> Roster:
    """The roster without the enrollment, on whichever list it was."""
    return Roster(
        [entry for entry in roster.members if entry["enrollment_id"] != enrollment_id],
        [entry for entry in roster.waiting_list if entry["enrollment_id"] != enrollment_id],
    )


def fill_free_seats(roster: Roster, capacity: int) -> tuple[Roster, list[dict]]:
    """Seat the longest-waiting entries while seats are free; returns the roster and who moved up."""
    members, waiting, promoted = list(roster.members), list(roster.waiting_list), []
    while len(members) < capacity and waiting:
        entries = [WaitingListEntry(entry["enrollment_id"], entry["joined_at"]) for entry in waiting]
        chosen = next_from_waiting_list(entries)
        entry = next(entry for entry in waiting if entry["enrollment_id"] == chosen.enrollment_id)
        waiting.remove(entry)
        members.append(entry)
        promoted.append(entry)
    return Roster(members, waiting), promoted
