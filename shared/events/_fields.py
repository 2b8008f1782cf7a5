"""Field shorthands shared by the payload schemas. Payloads carry ids, codes, dates and statuses only."""
from marshmallow import fields, validate

CODE_SHAPE = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$")


def identifier(**kwargs):
    """A server-made id (a UUID, or a derived key): the same token shape as a code, never text."""
    return fields.String(validate=CODE_SHAPE, **kwargs)


def code(*, one_of: tuple[str, ...] | None = None, **kwargs):
    """A code: a short token, or one of an enumeration of the contract (``shared.events.codes``)."""
    checks = [CODE_SHAPE] + ([validate.OneOf(one_of)] if one_of else [])
    return fields.String(validate=checks, **kwargs)
