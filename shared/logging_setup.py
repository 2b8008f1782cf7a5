"""Log lines of every process, written with structlog over the standard ``logging`` module.

Every line carries ``service``, ``role`` (api, worker, supervisor, gateway, cli...), ``site``,
``request_id`` and ``correlation_id`` (null where they do not apply: a worker has no request, a
process start has no site). In an API they come from the request being answered; in a worker from
the event being handled (:func:`event_context`).

``IOP_LOG_FORMAT=json`` writes one JSON object a line; ``console`` writes human-readable lines.
Unset: ``console`` when stderr is a terminal (``make run``), else ``json`` (containers, files, tests).

Logs carry methods, route templates, statuses, ids, types and codes: never names, contact
details, notes or keys. Exceptions are rendered without local variables, and the values a
database error quotes (a duplicate key) or a bearer token are masked.
"""
import logging
import os
import re
import sys
from contextlib import contextmanager

import structlog

LOG_FORMAT = "IOP_LOG_FORMAT"
_FIELDS = ("service", "role", "site", "request_id", "correlation_id")
_MASKS = [
    (re.compile(r"(dup key: )\{.*?\}", re.DOTALL), r"\1{…}"),
    (re.compile(r"(Bearer\s+)\S+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"(amqps?://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
    (re.compile(r"(mongodb(?:\+srv)?://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
]


def role_and_service(process_name: str) -> tuple[str, str | None]:
    """``intake-worker`` is a worker of intake; ``api`` learns its service from each request."""
    if process_name.endswith("-worker"):
        return "worker", process_name.removesuffix("-worker")
    return process_name, None


def _request_fields() -> dict:
    """What the Flask request being answered tells, if there is one."""
    try:
        from flask import current_app, g, has_request_context
    except ImportError:  # pragma: no cover - flask is a dependency of every service
        return {}
    if not has_request_context():
        return {}
    context = current_app.extensions.get("iop")
    principal = g.get("principal")
    request_id = g.get("request_id")
    return {"service": getattr(context, "service", None) or current_app.name, "request_id": request_id,
            "correlation_id": request_id,
            "site": getattr(principal, "site_id", None)}


def _add_context(role: str, service: str | None):
    def add_context(logger, method_name, event_dict):
        found = {"service": service, "role": role, **{k: v for k, v in _request_fields().items() if v is not None}}
        for field in _FIELDS:
            event_dict.setdefault(field, found.get(field))
        return event_dict

    return add_context


def _mask(logger, method_name, event_dict):
    for key in ("event", "exception"):
        value = event_dict.get(key)
        if isinstance(value, str):
            for pattern, replacement in _MASKS:
                value = pattern.sub(replacement, value)
            event_dict[key] = value
    return event_dict


def _drop_empty(logger, method_name, event_dict):
    """A terminal reader needs no column of nulls."""
    return {key: value for key, value in event_dict.items() if value is not None}


def _json_wanted(environ=None) -> bool:
    chosen = (os.environ if environ is None else environ).get(LOG_FORMAT, "").lower()
    if chosen in ("json", "console"):
        return chosen == "json"
    return not sys.stderr.isatty()


def _chain(process_name: str) -> list:
    role, service = role_and_service(process_name)
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        _add_context(role, service),
    ]


def line_formatter(process_name: str, json_lines: bool | None = None) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler: stdlib records and structlog events alike."""
    json_lines = _json_wanted() if json_lines is None else json_lines
    if json_lines:
        renderer = [structlog.processors.format_exc_info, _mask, structlog.processors.JSONRenderer()]
    else:
        renderer = [structlog.processors.format_exc_info, _mask, _drop_empty,
                    structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty(), timestamp_key="ts",
                                                  exception_formatter=structlog.dev.plain_traceback)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_chain(process_name),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )


def configure_logging(process_name: str) -> None:
    """Route every logger of the process through one handler on stderr. Called again (several
    apps in one process), it replaces its own handler; it leaves alone handlers others installed
    (a test runner's capture), as ``logging.basicConfig`` would."""
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, "iop_handler", False)]
    for handler in ours:
        root.removeHandler(handler)
    if ours or not root.handlers:
        handler = logging.StreamHandler()
        handler.iop_handler = True
        handler.setFormatter(line_formatter(process_name))
        root.addHandler(handler)
        root.setLevel(os.environ.get("IOP_LOG_LEVEL", "INFO"))
    structlog.configure(
        processors=[*_chain(process_name), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # kombu and amqp log connection URLs and bodies at DEBUG; pymongo logs commands at DEBUG.
    for noisy in ("kombu", "amqp", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextmanager
def event_context(site: str | None, correlation_id: str | None, **ids):
    """Every line logged while an event is handled names its site and correlation id."""
    with structlog.contextvars.bound_contextvars(site=site, correlation_id=correlation_id, **ids):
        yield
