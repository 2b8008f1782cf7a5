"""The audit trail: who called, for which site, what, when and with what outcome, in a hash chain.

Every authenticated call and every failed authentication is appended to the service's
``audit_log`` collection as a record of :mod:`shared.audit_chain` (``seq``, ``prev_hash``,
``hash``); ``python -m system.audit verify`` checks the chain. Records of concurrent requests in
one process are written together (group commit, :class:`shared.audit_chain.ChainWriter`); each
request still waits for its own record.

What a record holds: ``at``, ``service``, ``phase``, ``site_id``, ``actor`` (the key's label) and
``role``, ``on_behalf_of`` (the ``X-Actor`` header: the person behind the key, as the front-end
says), ``method``, ``path``, ``route``, ``status``, ``request_id`` and ``remote_addr``. Never the
presented key or any part of it, query strings (they may carry an MRN or a name prefix) or bodies.
A failed authentication (the 401 answer, no principal) has ``site_id``, ``actor`` and ``role``
None. ``X-Actor`` is 1 to 64 printable characters (else 400) and never goes to the text log.

A request whose audit record cannot be written fails with 503; recording only after the view
would be too late for that, since the view's change is made by then. So:

- a write (any method but GET, HEAD, OPTIONS) is recorded twice. An ``attempt`` record is
  appended before the view runs; if it cannot be, the answer is 503 and nothing was done. Then
- every call gets an ``outcome`` record (with the status) after the view. If it cannot be
  written, the client gets 503 instead of the view's answer: for a read, nothing was disclosed;
  for a write the change may have been made, and its ``attempt`` record says so. The client sends
  the request again with the same ``Idempotency-Key``, which replays the first answer (and is
  recorded in turn). That replay needs the idempotency hooks to have remembered the answer
  before this module turns it into 503, so :func:`install_audit` is installed after
  authentication (and the per-key rate limit) and before idempotency: its before-request hook
  then runs before the key is claimed, its after-request hook after the answer is remembered.

A failed authentication (a 401 answer without a principal: authentication is the only source of
one) is recorded by :func:`record_failed_authentication`, which authentication calls as its
``on_failure`` hook; the after-request hook records it too when that hook was not wired (once per
request either way). An address refused with 429 for too many failures is not recorded: its key
is not even looked at, and the limit keeps a flood of guesses from flooding the chain.
"""
import logging
import re
import time

from flask import Response, current_app, g, request
from pymongo import ASCENDING, IndexModel

from shared import clock
from shared.audit_chain import COLLECTION, SEQ_INDEX, AuditUnavailable, chain_writer, to_millisecond
from shared.http.problems import problem

log = logging.getLogger("iop.access")

INDEXES = {COLLECTION: [IndexModel([("site_id", ASCENDING), ("at", ASCENDING)]), SEQ_INDEX]}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ACTOR_HEADER = "X-Actor"
MAX_ACTOR_LENGTH = 64


def install_audit(app) -> None:
    @app.before_request
    def record_attempt():
        g.started = time.perf_counter()
        if "principal" not in g:
            return None
        actor = request.headers.get(ACTOR_HEADER)
        if actor is not None and not _acceptable_actor(actor):
            return problem(400, "Bad request", f"{ACTOR_HEADER} must be 1 to {MAX_ACTOR_LENGTH} printable characters.")
        if request.method in SAFE_METHODS:
            return None
        try:
            _append(phase="attempt", status=None)
        except AuditUnavailable:
            return _unavailable("Nothing was done; send the request again later.")
        return None

    @app.after_request
    def record_outcome(response: Response) -> Response:
        status = response.status_code
        recorded = True
        if "principal" in g:
            try:
                _append(phase="outcome", status=status)
            except AuditUnavailable:
                recorded = False
        elif status == 401:
            record_failed_authentication()
            recorded = g.audit_failed_authentication == "recorded"
        if not recorded:
            response = _unavailable(_what_happened())
        _log_access(response.status_code, status)
        return response


def record_failed_authentication() -> None:
    """Record the current request as a failed authentication, once (authentication's ``on_failure``).

    Never raises: called inside authentication, it cannot answer; if the record cannot be written,
    the after-request hook answers 503 instead of 401.
    """
    if g.get("audit_failed_authentication") is None:
        try:
            _append(phase="outcome", status=401, authenticated=False)
            g.audit_failed_authentication = "recorded"
        except AuditUnavailable:
            g.audit_failed_authentication = "unavailable"


def _append(phase: str, status: int | None, authenticated: bool = True) -> None:
    principal = g.principal if authenticated else None
    actor = request.headers.get(ACTOR_HEADER) if authenticated else None
    context = current_app.extensions["iop"]
    fields = {
        "at": to_millisecond(clock.now()),
        "service": context.service,
        "phase": phase,
        "site_id": principal.site_id if principal else None,
        "actor": principal.label if principal else None,
        "role": principal.role if principal else None,
        "on_behalf_of": actor if actor is not None and _acceptable_actor(actor) else None,
        "method": request.method,
        "path": request.path,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": status,
        "request_id": g.get("request_id"),
        "remote_addr": request.remote_addr,
    }
    try:
        # context.db may be the first touch of the database. The process's writer commits the records
        # of concurrent requests together; this one returns once its own is written.
        chain_writer(context.db[COLLECTION]).append(fields)
    except Exception as error:
        # The exception names the cause; the record's fields (on_behalf_of, path) stay out of the log.
        log.exception("audit record not written for request_id=%s", g.get("request_id"))
        if isinstance(error, AuditUnavailable):
            raise
        raise AuditUnavailable(f"audit record not written: {type(error).__name__}") from error


def _acceptable_actor(actor: str) -> bool:
    return len(actor) <= MAX_ACTOR_LENGTH and re.fullmatch(r"[!-~]([ -~]*[!-~])?", actor) is not None


def _what_happened() -> str:
    if "principal" not in g or request.method in SAFE_METHODS:
        return "Nothing was done or disclosed; send the request again later."
    return "The change may have been made: send the request again with the same Idempotency-Key to get its answer."


def _unavailable(detail: str) -> Response:
    return problem(503, "Service unavailable", f"The audit trail could not be written. {detail}",
                   headers={"Retry-After": "5"})


def _log_access(status: int, view_status: int) -> None:
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    rule = request.url_rule.rule if request.url_rule else "-"
    shown = f"{status} (view {view_status})" if status != view_status else str(status)
    log.info("%s %s %s %.1fms request_id=%s", request.method, rule, shown, elapsed_ms, g.get("request_id"))
