"""Request fields with bounds that make clinical sense, for every service's request schemas.

A date or instant outside these years is a typo or an attack (``0001-01-01``, ``9999-12-31``
overflow date arithmetic); refusing it with a 422 keeps every later computation in range. The
specs say so: each field carries the bound as a ``pattern`` on its year (a format alone would
promise every year from 0001 to 9999).
"""
from datetime import date

from marshmallow import fields

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
_DAY = r"(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = f"^{_DAY}$"
INSTANT_PATTERN = f"^{_DAY}T"


def _with_pattern(kwargs: dict, pattern: str) -> dict:
    return {**kwargs, "metadata": {"pattern": pattern, **(kwargs.get("metadata") or {})}}


class ClinicalDate(fields.Date):
    """A request date between 1900-01-01 and 2100-12-31."""

    default_error_messages = {"range": f"Must lie between {EARLIEST_DAY} and {LATEST_DAY}."}

    def __init__(self, **kwargs):
        super().__init__(**_with_pattern(kwargs, DATE_PATTERN))

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise self.make_error("range")
        return day


class ClinicalInstant(fields.AwareDateTime):
    """A request instant with its UTC offset, whose day as written lies between 1900 and 2100 (so
    that the spec's pattern on the written year says exactly what is accepted; no such instant
    overflows when converted to any offset)."""

    default_error_messages = {"range": f"Must lie between {EARLIEST_DAY} and {LATEST_DAY}."}

    def __init__(self, **kwargs):
        super().__init__(**_with_pattern(kwargs, INSTANT_PATTERN))

    def _deserialize(self, value, attr, data, **kwargs):
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY <= instant.date() <= LATEST_DAY:
            raise self.make_error("range")
        return instant
