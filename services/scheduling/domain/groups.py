"""Therapy groups: the modalities a group can have and the validation of a group definition.

A valid definition becomes a :class:`GroupSlot`, the part of a group that session generation
needs (which weekdays, what local time, how long). Errors are collected for every field at once
and raised as :class:`shared.errors.Invalid`, keyed by the field names of ``POST /groups``.
"""
import re
from dataclasses import dataclass
from datetime import time

from shared.business_days import WEEKDAYS
from shared.errors import Invalid

MODALITIES = ("group_therapy", "education", "holistic", "family")

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 480

# Two digits each, 24-hour clock: "9:00" and "09:00:00" are refused so that what is stored
# is always what the contract shows.
_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class GroupSlot:
    """When a group meets: local wall-clock time at the site, on these weekdays."""

    weekdays: tuple[str, ...]
    start_time: time
    duration_minutes: int


def parse_start_time(value: str) -> time:
    """``"HH:MM"`` as a :class:`datetime.time`; raises ``ValueError`` for anything else."""
    match = _HH_MM.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a time in HH:MM form")
    return time(int(match.group(1)), int(match.group(2)))


def weekday_errors(weekdays) -> list[str]:
    """Messages for a weekday list; empty when it is valid."""
    if not isinstance(weekdays, (list, tuple)) or not weekdays:
        return ["Give at least one weekday."]
    errors = []
    unknown = [day for day in weekdays if day not in WEEKDAYS]
    if unknown:
        errors.append(f"Unknown weekdays {unknown!r}; use {', '.join(WEEKDAYS)}.")
    if len(set(map(str, weekdays))) != len(weekdays):
        errors.append("Each weekday may appear only once.")
    return errors


def _is_int(value) -> bool:
    # bool is a subclass of int, but `true` is not a capacity.
    return isinstance(value, int) and not isinstance(value, bool)


def validate_group(
    *, modality: str, weekdays, start_time: str, duration_minutes: int, capacity: int
) -> GroupSlot:
    """Check a group definition and return its slot; raise ``Invalid`` listing every bad field.

    ``name`` and ``program`` are free identifiers and are left to the request schema.
    """
    errors: dict[str, list[str]] = {}
    if modality not in MODALITIES:
        errors["modality"] = [f"Must be one of {', '.join(MODALITIES)}."]
    if messages := weekday_errors(weekdays):
        errors["weekdays"] = messages
    try:
        parsed_time = parse_start_time(start_time)
    except ValueError:
        errors["start_time"] = ["Must be a time in HH:MM form (24-hour clock), e.g. 09:00."]
    if not _is_int(duration_minutes) or not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [
            f"Must be a whole number of minutes from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES}."
        ]
    if not _is_int(capacity) or capacity < 1:
        errors["capacity"] = ["Must be a whole number of at least 1."]
    if errors:
        raise Invalid(errors)
    # Stored in calendar order so that two definitions with the same days compare equal.
    ordered = tuple(day for day in WEEKDAYS if day in weekdays)
    return GroupSlot(weekdays=ordered, start_time=parsed_time, duration_minutes=duration_minutes)
