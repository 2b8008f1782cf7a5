"""Marshmallow fields for answers built from stored documents, and the matching storage helpers.

Dates are stored as ``YYYY-MM-DD`` strings (BSON has no date type and the strings sort correctly).
Two quirks of the embedded database stand-in are absorbed here, once, for every service: a
datetime written with ``$set`` reads back as a naive UTC string, and a boolean written with
``$set`` reads back as 1/0. On MongoDB both read back as written.
"""
from datetime import date, datetime, timezone

from marshmallow import fields


def stored(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def stored_instant(value: datetime | str | None) -> datetime | None:
    """An instant as read back from storage, always timezone-aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


class StoredDate(fields.Date):
    """A date that may come from storage as an ISO string or from code as a ``date``."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class StoredInstant(fields.AwareDateTime):
    """An instant that may come from storage as a datetime or as the stand-in's naive string."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(stored_instant(value), attr, obj, **kwargs)


class StoredBoolean(fields.Boolean):
    """A boolean that may come from storage as 1/0 (marshmallow 4's Boolean dumps values as they are)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else bool(value)


# -- Request fields with bounds that make clinical sense ------------------------------------------
# A date or instant outside these years is a typo or an attack (``0001-01-01``, ``9999-12-31``
# overflow date arithmetic); refusing it with a 422 keeps every later computation in range.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)


class ClinicalDate(fields.Date):
    """A request date between 1900-01-01 and 2100-12-31."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise self.make_error("range")
        return day

    default_error_messages = {"range": f"Must lie between {EARLIEST_DAY} and {LATEST_DAY}."}


class ClinicalInstant(fields.AwareDateTime):
    """A request instant with its UTC offset, whose day in UTC lies between 1900 and 2100."""

    def _deserialize(self, value, attr, data, **kwargs):
        instant = super()._deserialize(value, attr, data, **kwargs)
        try:
            day = instant.astimezone(timezone.utc).date()
        except OverflowError:
            raise self.make_error("range") from None
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise self.make_error("range")
        return instant

    default_error_messages = {"range": f"Must lie between {EARLIEST_DAY} and {LATEST_DAY}."}
