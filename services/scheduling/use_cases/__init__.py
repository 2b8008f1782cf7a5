"""Scheduling's use cases: each takes its input, the cause, the store (and the site when it needs
its calendar or timezone), and makes one change through the store with the events the domain decides."""
from collections.abc import Callable

from shared.store import Documents

# One page of a query: ``page(documents, query, sort)``; the API pages with the request's parameters.
Page = Callable[[Documents, dict, list[tuple[str, int]]], list[dict]]


def no_events(changes: dict | None) -> tuple[dict, list] | None:
    """A rule's changed fields as ``Documents.modify`` takes a change that causes no event."""
    return None if changes is None else (changes, [])
