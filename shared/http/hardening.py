"""What every API refuses before a view runs, and the headers every answer carries.

- Bodies: at most ``MAX_BODY_BYTES`` (413); JSON that cannot be parsed safely (nesting deeper than
  Python's recursion, integers past the interpreter's digit limit) is a 400. Inside a parsed body
  and in query strings: nesting past ``MAX_DEPTH``, integers beyond ±2^53 (what a JSON client can
  hold exactly), NaN/Infinity, control characters (tab, newline and carriage return allowed) and
  lone surrogates (which no database can store) are a 422 naming the field. Every string of every
  spec carries the same rule as a ``pattern`` (:func:`document_text_rule`), and every body integer
  the gate's bounds (:func:`document_integer_rule`), so clients know them.
- Failed authentications are limited per address (the ``limits`` package, also behind
  flask-limiter): past ``IOP_AUTH_FAILURES_PER_ADDRESS`` (default 20 per minute) an address gets
  429 before its key is even looked at. Authenticated calls are limited per key with
  flask-limiter (``IOP_RATE_LIMIT_PER_KEY``, default 6000 per minute). Counters live in each
  process's memory unless ``IOP_RATE_LIMIT_STORAGE`` names shared storage (e.g. redis://).
- Security headers come from flask-talisman (nosniff, frame denial, referrer policy, a CSP that
  forbids everything on API answers and allows the docs page what Swagger UI needs); answers are
  ``Cache-Control: no-store`` because they carry patient data.
"""
import json
import math
import os
import re

from flask import g, request
from flask_limiter import Limiter
from flask_talisman import Talisman
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from marshmallow import fields
from werkzeug.exceptions import RequestEntityTooLarge

from shared.http.problems import problem

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2 ** 53
TEXT_WHITESPACE = frozenset("\t\n\r")
# The same rule as a JSON Schema pattern, so that the specs say what the gate refuses.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$"

API_CSP = {"default-src": "'none'", "frame-ancestors": "'none'"}
DOCS_CSP = {
    "default-src": "'self'",
    # flask-smorest's page starts Swagger UI with an inline script; the assets are our own.
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
}
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"


def install_hardening(app) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask defaults it to None: no limit
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    talisman = Talisman(app, force_https=False, strict_transport_security=False, session_cookie_secure=False,
                        content_security_policy=API_CSP, frame_options="DENY", referrer_policy="no-referrer")
    app.extensions["iop_talisman"] = talisman
    app.before_request(refuse_unsafe_input)

    @app.after_request
    def no_store(response):
        response.cache_control.no_store = True
        return response


def allow_docs_page(app) -> None:
    """Swagger UI needs scripts and styles: its page alone gets the docs CSP (after blueprints exist)."""
    view = app.view_functions.get(DOCS_ENDPOINT)
    if view is not None:
        # flask-smorest registers a bound method; talisman marks a plain function.
        def docs_page(*args, **kwargs):
            return view(*args, **kwargs)

        app.view_functions[DOCS_ENDPOINT] = app.extensions["iop_talisman"](content_security_policy=DOCS_CSP)(docs_page)


def refuse_unsafe_input():
    for name, value in request.args.items(multi=True):
        message = _string_fault(value, allowed=TEXT_WHITESPACE)
        if message:
            return _unprocessable(name, message)
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(f"The body may hold at most {limit} bytes.")
    if request.content_length and not request.is_json:
        return problem(415, "Unsupported media type", "Send the body as application/json.")
    if not request.content_length and not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw or not request.is_json:
        return None
    try:
        body = json.loads(raw)
    except (RecursionError, ValueError):
        return problem(400, "Bad request", "The body is not valid JSON (or is nested too deeply, or holds a "
                                           "number too long to read).")
    fault = _first_fault(body, "", 0)
    return _unprocessable(*fault) if fault else None


def _unprocessable(field: str, message: str):
    return problem(422, "Unprocessable content", "The request has invalid fields.",
                   errors={field or "_request": [message]})


def _first_fault(value, path: str, depth: int) -> tuple[str, str] | None:
    if depth > MAX_DEPTH:
        return path, f"Nested more than {MAX_DEPTH} levels deep."
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(index), item) for index, item in enumerate(value))
    else:
        return _scalar_fault(value, path)
    for key, item in items:
        key_fault = _string_fault(key, allowed=frozenset()) if isinstance(value, dict) else None
        if key_fault:
            return f"{path}.{key}".strip("."), key_fault
        fault = _first_fault(item, f"{path}.{key}" if path else key, depth + 1)
        if fault:
            return fault
    return None


def _scalar_fault(value, path: str) -> tuple[str, str] | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        return path, f"Integers must lie within ±{MAX_SAFE_INTEGER}."
    if isinstance(value, float) and not math.isfinite(value):
        return path, "Numbers must be finite."
    if isinstance(value, str):
        message = _string_fault(value, allowed=TEXT_WHITESPACE)
        return (path, message) if message else None
    return None


def _string_fault(value: str, allowed: frozenset) -> str | None:
    if any((ord(char) < 32 or ord(char) == 127) and char not in allowed for char in value):
        return "Must not contain control characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be valid Unicode text (no lone surrogates)."
    return None


def document_text_rule(converter, field, ret, **kwargs) -> dict:
    """apispec attribute function: a string property without a pattern of its own gets the gate's."""
    if isinstance(field, fields.String) and "pattern" not in ret and "enum" not in ret and "format" not in ret:
        return {"pattern": NO_CONTROL_CHARACTERS}
    return {}


GATE_BOUNDS = {"minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER}


def document_integer_rule(converter, field, ret, **kwargs) -> dict:
    """apispec attribute function: an integer property gets the gate's ±2^53 where it has no bound of its own."""
    if not isinstance(field, fields.Integer):
        return {}
    return {name: bound for name, bound in GATE_BOUNDS.items() if name not in ret}


def undocument_integer_rule_of_parameters(converter, field, ret, **kwargs) -> dict:
    """apispec parameter attribute function: the gate reads JSON bodies only, so a query or path
    integer keeps only its own bounds."""
    schema = ret.get("schema", {})
    for name, bound in GATE_BOUNDS.items():
        if schema.get(name) == bound:
            del schema[name]
    return {}


def refuse_unknown_query_parameters(app, api) -> None:
    """A query parameter an operation does not document is a 400 naming it: silently ignoring a
    misspelt filter (``?family_name=``) would answer every patient of the site."""
    documented: dict[tuple[str, str], set[str]] = {}

    def known_parameters(rule: str, method: str) -> set[str] | None:
        if not documented:
            for path, operations in api.spec.to_dict()["paths"].items():
                for verb, operation in operations.items():
                    if isinstance(operation, dict) and "responses" in operation:
                        documented[(path, verb)] = {p["name"] for p in operation.get("parameters", [])
                                                    if p.get("in") == "query"}
        return documented.get((re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), method.lower()))

    @app.before_request
    def refuse_unknown():
        if request.url_rule is None or not request.args:
            return None
        known = known_parameters(request.url_rule.rule, request.method)
        unknown = sorted(set(request.args) - known) if known is not None else []
        if unknown:
            return problem(400, "Bad request", "Unknown query parameters.",
                           errors={name: ["Unknown query parameter."] for name in unknown})
        return None


# -- rate limits -------------------------------------------------------------------------------------
def _storage_uri() -> str:
    return os.environ.get("IOP_RATE_LIMIT_STORAGE", "memory://")


class FailedAuthenticationLimit:
    """Counts failed authentications per client address; refuses the address once it is over."""

    def __init__(self, rule: str | None = None):
        self.limit = parse(rule or os.environ.get("IOP_AUTH_FAILURES_PER_ADDRESS", "20/minute"))
        self.limiter = MovingWindowRateLimiter(storage_from_string(_storage_uri()))

    def exceeded(self, address: str) -> bool:
        return not self.limiter.test(self.limit, "auth-failures", address)

    def record_failure(self, address: str) -> None:
        self.limiter.hit(self.limit, "auth-failures", address)


def install_key_rate_limit(app) -> Limiter:
    """Per-key limits on authenticated calls; installed after authentication so the key is known."""
    limiter = Limiter(key_func=_principal_key, app=app, storage_uri=_storage_uri(),
                      default_limits=[os.environ.get("IOP_RATE_LIMIT_PER_KEY", "6000/minute")],
                      default_limits_exempt_when=lambda: g.get("principal") is None,
                      headers_enabled=True, strategy="moving-window")

    @limiter.request_filter
    def unauthenticated():
        return g.get("principal") is None

    return limiter


def _principal_key() -> str:
    principal = g.get("principal")
    return principal.digest if principal else request.remote_addr or "-"
