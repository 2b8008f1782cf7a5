"""Request fields with bounds that make clinical sense, for every service's request schemas.

A date or instant outside these years is a typo or an attack (``0001-01-01``, ``9999-12-31``
overflow date arithmetic); refusing it with a 422 keeps every later computation in range.
"""
from datetime import date, timezone

from marshmallow import fields

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
