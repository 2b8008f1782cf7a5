"""Errors as ``application/problem+json`` (RFC 9457), 422s field by field (CONTRACT.md, Conventions)."""
import json
import logging

from flask import Response
from werkzeug.exceptions import HTTPException, InternalServerError

from shared.errors import DomainError, Invalid

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://iop-operations.example/problems/"


def problem(status: int, title: str, detail: str, errors: dict | None = None, headers: dict | None = None,
            **extra) -> Response:
    body = {"type": PROBLEM_TYPE_BASE + title.lower().replace(" ", "-"), "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype="application/problem+json", headers=headers)


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """``{"step_down": {"level_of_care": ["..."]}}`` → ``{"step_down.level_of_care": ["..."]}``."""
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "_request": messages}
    if isinstance(messages, str):
        return {prefix or "_request": [messages]}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def from_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    # The exception's own headers (Allow on a 405, Retry-After on a 429), without its content type.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    messages = data.get("errors") or data.get("messages")
    if error.code == 422 and messages is not None:
        # webargs nests messages by location ("json", "query"); clients want field names.
        by_field: dict[str, list[str]] = {}
        for location_messages in (messages.values() if _by_location(messages) else [messages]):
            by_field.update(flatten_errors(location_messages))
        return problem(422, "Unprocessable content", "The request has invalid fields.", errors=by_field, headers=headers)
    detail = data.get("message") or error.description or error.name
    return problem(error.code or 500, error.name, detail, headers=headers)


def _by_location(messages: dict) -> bool:
    return isinstance(messages, dict) and bool(messages) and set(messages) <= {"json", "query", "headers", "form", "files", "path", "view_args"}


def from_domain_error(error: DomainError) -> Response:
    errors = error.errors if isinstance(error, Invalid) else None
    return problem(error.status, error.title, error.detail, errors=errors)


def from_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    # The exception type and traceback go to the log; no request body (it may hold PHI) does.
    log.exception("unhandled %s", type(error).__name__)
    return from_http_exception(InternalServerError())


def from_overflow(error: OverflowError) -> Response:
    # Only a value a client sent can be this large (a date past year 9999, a huge page number):
    # the fields are bounded, and this keeps any bound still missing a 422, never a 500.
    log.warning("value out of range: %s", type(error).__name__)
    return problem(422, "Unprocessable content", "A value in the request is out of range.",
                   errors={"_request": ["A value is out of range."]})


def register_problem_handlers(app) -> None:
    app.register_error_handler(DomainError, from_domain_error)
    app.register_error_handler(OverflowError, from_overflow)
    app.register_error_handler(Exception, from_unexpected)
