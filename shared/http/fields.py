"""Request fields with bounds that make clinical sense, for every service's request schemas.

A date or instant outside these years is a typo or an attack (``0001-01-01``, ``9999-12-31``
overflow date arithmetic); refusing it with a 422 keeps every later computation in range. The
specs say so: each field carries the bound as a ``pattern`` on its year (a format alone would
promise every year from 0001 to 9999).

Answer schemas derive from ``Answer``: the spec marks what they always send ``required``. Ids the
server makes are UUIDs: ``fields.UUID`` in answers, ``UuidId`` in requests (``format: uuid``).
"""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

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


# -- Text a person writes, and patterns matched whole ---------------------------------------
class WholeMatch(validate.Regexp):
    """``Regexp`` whose pattern must match the whole value: with ``re.match``, ``$`` also matches
    before a final newline, which the spec's pattern (ECMA) does not allow."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# The text rules below as JSON Schema patterns, so that the spec says what Text accepts. Control
# characters other than tab, line feed and carriage return never get here (shared/http/hardening.py).
# White space is written out as Python's str.strip sees it: \s differs between Python and ECMA
# (which schemathesis and clients judge with) on U+0085 and U+FEFF.
_WHITE = "\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000"
_SPACE = f"[\\t\\n\\r {_WHITE}]"                                     # white space the gate lets through
_VISIBLE = f"[^\\u0000-\\u0020\\u007F{_WHITE}]"                      # anything but white space and controls
_ON_THE_LINE = "[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]"               # any of those, a space or a tab
_IN_THE_TEXT = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]"   # that, or a line break
ONE_LINE_PATTERN = f"^{_SPACE}*{_VISIBLE}({_ON_THE_LINE}*{_VISIBLE})?{_SPACE}*$"
ONE_LINE_OR_BLANK_PATTERN = f"^{_SPACE}*({_VISIBLE}({_ON_THE_LINE}*{_VISIBLE})?{_SPACE}*)?$"
TEXT_PATTERN = f"^{_IN_THE_TEXT}*{_VISIBLE}{_IN_THE_TEXT}*$"
TEXT_OR_BLANK_PATTERN = f"^{_IN_THE_TEXT}*$"


class Text(fields.String):
    """Text kept without its surrounding spaces, at most ``max_length`` characters as sent. Spaces
    alone are refused, or with ``blank_is_absent`` count as not given (None); ``one_line`` text
    may not break lines between its first and last visible characters. The spec carries the same
    rules as a pattern."""

    default_error_messages = {"blank": "Must not be empty.", "too_long": "Longer than maximum length {max}.",
                              "lines": "Must be a single line."}

    def __init__(self, *, max_length: int = 500, one_line: bool = True, blank_is_absent: bool = False,
                 **kwargs):
        if one_line:
            pattern = ONE_LINE_OR_BLANK_PATTERN if blank_is_absent else ONE_LINE_PATTERN
        else:
            pattern = TEXT_OR_BLANK_PATTERN if blank_is_absent else TEXT_PATTERN
        metadata = {"minLength": 1, "maxLength": max_length, "pattern": pattern, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.max_length, self.one_line, self.blank_is_absent = max_length, one_line, blank_is_absent

    def _deserialize(self, value, attr, data, **kwargs):
        given = super()._deserialize(value, attr, data, **kwargs)
        if len(given) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        text = given.strip()
        if not text:
            if given and self.blank_is_absent:
                return None
            raise self.make_error("blank")
        # One line each: these fields are printed one per line on the reconciliation list.
        if self.one_line and any(ch in text for ch in "\r\n"):
            raise self.make_error("lines")
        return text


# -- Answers: what the server always sends, and ids ------------------------------------------
SOMETIMES_ABSENT = "sometimes_absent"
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


class Answer(Schema):
    """An answer schema: every field is in every answer (``null`` where it ``allow_none``), so the
    spec lists each one as ``required`` (shared/http/openapi.py) and client generators may trust
    it. A field that is left out of some answers says so with ``metadata={SOMETIMES_ABSENT: True}``
    and stays optional. Never loaded: request schemas declare ``required`` themselves."""

    def sent_always(self) -> list[str]:
        """The answer's property names the spec marks ``required`` (of the fields this instance dumps)."""
        return [field.data_key or name for name, field in self.dump_fields.items()
                if not field.metadata.get(SOMETIMES_ABSENT)]


UUID_PATTERN = r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"


class Uuid(fields.String):
    """The id of an object another service made (a scheduling group, a provider of aftercare's
    directory), given by a client to a service that cannot look it up: it must at least be a UUID,
    as every id the services make is, so that what is answered back keeps ``format: uuid``."""

    def __init__(self, **kwargs):
        metadata = {"format": "uuid", **kwargs.pop("metadata", {})}
        super().__init__(validate=WholeMatch(UUID_PATTERN), metadata=metadata, **kwargs)


class UuidId(fields.String):
    """The id of another object in a request. Every id the server makes is a UUID and the spec says
    so (``format: uuid``), for clients to type it; the field itself refuses, with the spec's pattern,
    what no id can be (the token shape events carry, shared/events/_fields.py), since an id naming
    nothing stored is the use case's 422 on the same field either way."""

    def __init__(self, **kwargs):
        metadata = {"format": "uuid", **kwargs.pop("metadata", {})}
        super().__init__(validate=WholeMatch(ID_PATTERN), metadata=metadata, **kwargs)
