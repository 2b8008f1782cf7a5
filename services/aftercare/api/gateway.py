"""Who the current caller acts for, as the front-end names them (X-Actor)."""
from flask import request


def on_behalf_of() -> str | None:
    """The person behind the key, as the front-end names them (X-Actor; the audit checked its form)."""
    return request.headers.get("X-Actor")
