"""Patients of a site: what registering one causes, and how they are found by name.

The MRN is unique at a site (a unique index in the store enforces it); the same MRN may name
another person at another site.
"""
import sys

from shared.events.intake import patient_registered
from shared.events.registry import DomainEvent


def register(patient_id: str) -> DomainEvent:
    """The event a registration causes: the id only, never demographics."""
    return patient_registered(patient_id=patient_id)


def folded_name(family_name: str) -> str:
    """The family name as searched: a prefix search ignores case, "riv" finds "Rivera"."""
    return family_name.casefold()


def starting_with(prefix: str) -> dict:
    """The query condition of the strings that start with ``prefix``: the range from the prefix up
    to, not including, the first string past all of them (its last character's successor). An
    index serves a range; the embedded stand-in reads every document for an anchored ``$regex``."""
    stem = prefix.rstrip(chr(sys.maxunicode))  # a last character without a successor: carry
    if not stem:
        return {"$gte": prefix}
    successor = ord(stem[-1]) + 1
    if 0xD800 <= successor <= 0xDFFF:  # surrogates are no characters: the next one is U+E000
        successor = 0xE000
    return {"$gte": prefix, "$lt": stem[:-1] + chr(successor)}
