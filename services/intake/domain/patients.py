"""Patients of a site: what registering one causes, and how they are found by name.

The MRN is unique at a site (a unique index in the store enforces it); the same MRN may name
another person at another site.
"""
from shared.events.intake import patient_registered
from shared.events.registry import DomainEvent


def register(patient_id: str) -> DomainEvent:
    """The event a registration causes: the id only, never demographics."""
    return patient_registered(patient_id=patient_id)


def folded_name(family_name: str) -> str:
    """The family name as searched: a prefix search ignores case, "riv" finds "Rivera"."""
    return family_name.casefold()
