"""Therapy groups: the modalities a group can have, the validation of a group definition, and the
rules of a group document over its life (creation, edits, archiving, places taken and released).

A valid definition becomes a :class:`GroupSlot`, the part of a group that session generation
needs (which weekdays, what local time, how long). Errors are collected for every field at once
and raised as :class:`shared.errors.Invalid`, keyed by the field names of ``POST /groups``.
Groups emit no events: each function returns the changed fields to write, or None for no change.
"""
import re
from dataclasses import dataclass
from datetime import datetime, time

from services.scheduling.domain.rosters import Roster, fill_free_seats, join, leave
from shared.business_days import WEEKDAYS
from shared.errors import Conflict, Invalid

MODALITIES = ("group_therapy", "education", "holistic", "family")

# A group's modality as scheduling.attendance.recorded tells it (``group_modality``, issue 11).
# Treatment reads group_therapy, education, holistic and family; scheduling's modality codes are
# the same four, so the mapping is one to one. It is written down so that a modality added to
# MODALITIES must be mapped here (a test checks every modality is).
EVENT_MODALITIES = {"group_therapy": "group_therapy", "education": "education", "holistic": "holistic",
                    "family": "family"}

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 480

# Two digits each, 24-hour clock: "9:00" and "09:00:00" are refused so that what is stored
# is always what the contract shows. The request schema documents the same pattern.
START_TIME_PATTERN = r"^([01]\d|2[0-3]):([0-5]\d)$"
_HH_MM = re.compile(START_TIME_PATTERN)

# The messages of each rule, also given by the request schema, which checks the same rules
# first so that the OpenAPI spec carries them.
MODALITY_MESSAGE = f"Must be one of {', '.join(MODALITIES)}."
START_TIME_MESSAGE = "Must be a time in HH:MM form (24-hour clock), e.g. 09:00."
DURATION_MESSAGE = f"Must be a whole number of minutes from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES}."
CAPACITY_MESSAGE = "Must be a whole number of at least 1."


@dataclass(frozen=True)
class GroupSlot:
    """When a group meets: local wall-clock time at the site, on these weekdays."""

    weekdays: tuple[str, ...]
    start_time: time
    duration_minutes: int


def parse_start_time(value: str) -> time:
    """``"HH:MM"`` as a :class:`datetime.time`; raises ``ValueError`` for anything else."""
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
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
        errors["modality"] = [MODALITY_MESSAGE]
    if messages := weekday_errors(weekdays):
        errors["weekdays"] = messages
    try:
        parsed_time = parse_start_time(start_time)
    except ValueError:
        errors["start_time"] = [START_TIME_MESSAGE]
    if not _is_int(duration_minutes) or not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [DURATION_MESSAGE]
    if not _is_int(capacity) or capacity < 1:
        errors["capacity"] = [CAPACITY_MESSAGE]
    if errors:
        raise Invalid(errors)
    # Stored in calendar order so that two definitions with the same days compare equal.
    ordered = tuple(day for day in WEEKDAYS if day in weekdays)
    return GroupSlot(weekdays=ordered, start_time=parsed_time, duration_minutes=duration_minutes)


# --- the group document ------------------------------------------------------------------------

SLOT_FIELDS = ("modality", "weekdays", "start_time", "duration_minutes", "capacity")


def group_slot(group: dict) -> GroupSlot:
    return GroupSlot(tuple(group["weekdays"]), parse_start_time(group["start_time"]), group["duration_minutes"])


def roster_of(group: dict) -> Roster:
    return Roster(list(group.get("members") or []), list(group.get("waiting_list") or []))


def is_archived(group: dict) -> bool:
    return group.get("archived_at") is not None


def program_errors(program: str, programs) -> dict[str, list[str]]:
    """A group belongs to a program of the site's catalog (``programs``: its codes)."""
    if program in programs:
        return {}
    return {"program": [f"Not a program of this site's catalog; use one of {', '.join(sorted(programs))}."]}


def _definition(fields: dict, programs) -> dict:
    """The slot fields as stored, validated together with the program: weekdays in calendar order."""
    errors = program_errors(fields["program"], programs)
    try:
        slot = validate_group(**{name: fields[name] for name in SLOT_FIELDS})
    except Invalid as invalid:
        raise Invalid({**invalid.errors, **errors}) from None
    if errors:
        raise Invalid(errors)
    return {**{name: fields[name] for name in SLOT_FIELDS}, "weekdays": list(slot.weekdays)}


def new_group(*, group_id: str, site_id: str, fields: dict, programs, now: datetime) -> dict:
    """A group as first stored, from the fields of ``POST /groups``; Invalid lists every bad field,
    a program outside the site's catalog (``programs``) among them. ``sequence`` counts the edits of
    its definition (calendar feeds publish it)."""
    return {
        "_id": group_id,
        "site_id": site_id,
        "name": fields["name"],
        "program": fields["program"],
        "facilitator": fields.get("facilitator"),
        **_definition(fields, programs),
        "members": [],
        "waiting_list": [],
        "archived_at": None,
        "sequence": 0,
        "created_at": now,
        "updated_at": now,
    }


def group_edited(group: dict, edits: dict, now: datetime, programs) -> dict:
    """The changed fields of a group edit. An archived group is not changed (Conflict); a capacity
    below the seats taken, or a program outside the site's catalog, is refused (Invalid); a larger
    capacity seats the longest-waiting at once."""
    if is_archived(group):
        raise Conflict("The group is archived.")
    definition = {**group, **edits}
    # A group made before the catalog was checked keeps its program until an edit names another one.
    known = set(programs) | ({group["program"]} if "program" not in edits else set())
    roster = roster_of(group)
    if len(roster.members) > definition["capacity"]:
        raise Invalid({"capacity": [f"Must be at least the {len(roster.members)} seats already taken."]})
    seated, _ = fill_free_seats(roster, definition["capacity"])
    return {**edits, **_definition(definition, known), "updated_at": now, "sequence": group.get("sequence", 0) + 1,
            "members": seated.members, "waiting_list": seated.waiting_list}


def group_archived(group: dict, now: datetime) -> dict | None:
    """Archiving a group nobody attends or waits for (Conflict otherwise); again, nothing changes."""
    if is_archived(group):
        return None
    roster = roster_of(group)
    if roster.members or roster.waiting_list:
        raise Conflict(f"{len(roster.members)} patient(s) hold a seat and {len(roster.waiting_list)} wait; "
                       "archive the group once they have left it.")
    return {"archived_at": now, "updated_at": now}


def place_taken(group: dict, enrollment_id: str, patient_id: str, now: datetime) -> dict | None:
    """A seat, or a place on the waiting list, for the enrollment; nothing for an archived group or
    an enrollment that already holds a place (a redelivered admission)."""
    if is_archived(group):
        return None
    roster = join(roster_of(group), group["capacity"], enrollment_id, patient_id, now)
    if roster == roster_of(group):
        return None
    return {"members": roster.members, "waiting_list": roster.waiting_list, "updated_at": now}


def place_released(group: dict, enrollment_id: str, now: datetime) -> dict | None:
    """The enrollment off the group, whoever waited longest seated in the seats that are free."""
    roster, _ = fill_free_seats(leave(roster_of(group), enrollment_id), group["capacity"])
    if roster == roster_of(group):
        return None
    return {"members": roster.members, "waiting_list": roster.waiting_list, "updated_at": now}
