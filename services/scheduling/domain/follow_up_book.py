"""What a site's follow-up book is known to hold: a stretch of time in which every follow-up slot
is taken (or already past).

Booking a follow-up searches the booked follow-ups for the first free slot (``follow_up.py``). At a
site whose completions outrun its follow-up slots (a busy program, or a backlog of completions
recorded late), the booked part of the book runs weeks or months ahead, and each search would read
all of it: the cost of a booking would grow with the book. So a search that had to go past its
first window records what it found (every slot from where it searched to the day of the slot it
booked was taken), and the next search that starts inside that stretch jumps to its end.

The record is a shortcut, never the truth, and is kept on the safe side:

- it only ever claims slots the search saw taken; a booking extends it only when its own search
  joins the stretch, and only if no one changed the record since it was read (``version``);
- a booked follow-up cancelled, moved, or marked attended or missed before its time frees its slot:
  the stretch then ends an hour (the search's appointment length) before that slot (:func:`freed`);
- it holds only for the calendar it was found under (open weekdays, holidays, time zone);
- it is trusted for :data:`TRUSTED_FOR` after a search that read the book from its first candidate;
  after that, the next search reads the book from its first candidate again. That bounds what a
  lost shortening (a crash between a cancellation and its :func:`freed`) can cost: a freed slot left
  unused by the automatic booking for at most that long.
"""
import hashlib
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from services.scheduling.domain.follow_up import DEFAULT_DURATION
from shared.business_days import BusinessCalendar

TRUSTED_FOR = timedelta(hours=1)


class KnownFull(NamedTuple):
    """Every follow-up slot starting in [start, end) is taken or past, as read at ``verified_at``
    (the search that read the book from its first candidate, not from an earlier record)."""
    start: datetime
    end: datetime
    verified_at: datetime


def calendar_key(calendar: BusinessCalendar, timezone: str) -> str:
    """Names the slots a calendar offers: a record found under another calendar says nothing."""
    text = f"{timezone}|{sorted(calendar.open_weekdays)}|{sorted(calendar.holidays)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def known_full(record: dict | None, calendar: str, now: datetime) -> KnownFull | None:
    """The stretch a stored record vouches for now, or None."""
    if record is None or record.get("calendar") != calendar or record["end"] <= record["start"]:
        return None
    if now - record["verified_at"] >= TRUSTED_FOR:
        return None
    return KnownFull(record["start"], record["end"], record["verified_at"])


def jump(known: KnownFull | None, searched_to: datetime) -> datetime | None:
    """Where a search that has checked every slot up to ``searched_to`` may go on from, when the
    known stretch reaches past it from at or before it (its slots need no reading); else None."""
    if known is not None and known.start <= searched_to < known.end:
        return known.end
    return None


def after_search(known: KnownFull | None, first_candidate: datetime, slot_start: datetime, zone: ZoneInfo,
                 jumped: bool, now: datetime) -> KnownFull | None:
    """What is known after a search from ``first_candidate`` booked ``slot_start``: every slot from
    the first candidate up to the slot's day was taken (the day itself may still have free slots
    earlier than the one chosen, which is tried first). Joined with the known stretch when the two
    meet. ``jumped``: the search relied on ``known`` for part of its way, so the result is only as
    fresh as it. None when there is nothing to record."""
    slot_day_start = datetime.combine(slot_start.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(UTC)
    found = KnownFull(first_candidate, slot_day_start, known.verified_at if jumped else now)
    if found.end <= found.start:
        return None
    if known is None or found.start > known.end or known.start > found.end:
        return found
    return KnownFull(min(known.start, found.start), max(known.end, found.end),
                     min(known.verified_at, found.verified_at))


def freed(slot_start: datetime, now: datetime) -> datetime | None:
    """Where the known stretch must end at the latest once a follow-up booked at ``slot_start``
    no longer holds it: the search counts a slot as taken by a booking less than one default length
    from it (whatever that booking's own length), so such slots may be free now. None when all of
    them lie in the past, which frees nothing still to be booked."""
    if slot_start + DEFAULT_DURATION <= now:
        return None
    return slot_start - DEFAULT_DURATION
