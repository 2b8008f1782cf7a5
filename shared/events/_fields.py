"""Field shorthands shared by the payload schemas. Payloads carry ids, codes, dates and statuses only."""
from marshmallow import fields, validate


def identifier(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


def code(**kwargs):
    return fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$"), **kwargs)
