"""Marshmallow fields for answers built from stored documents.

Dates are stored as ``YYYY-MM-DD`` strings (BSON has no date type and the strings sort correctly).
"""
from datetime import date

from marshmallow import fields


class StoredDate(fields.Date):
    """A date that may come from storage as an ISO string or from code as a ``date``."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


def stored(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
