"""The other services' APIs as the current caller may read them (:mod:`shared.other_services`).

The base URL is ``IOP_GATEWAY_URL`` (the app's ``GATEWAY_URL`` setting wins, for tests), else
this machine's ``make run`` gateway, ``http://127.0.0.1:IOP_HTTP_PORT``; docker-compose sets
``http://gateway:8000``. The caller's own key, request id and X-Actor go with every read. Tests may
give the app a ``GATEWAY_SESSION`` (a requests session with a transport adapter mounted) to serve
the reads without a network, and a ``GATEWAY_TIMEOUT`` (connect, read) shorter than the default.
"""
import os

import requests
from flask import current_app, g, request

from shared.http.current import service_context
from shared.other_services import CONNECT_TIMEOUT, READ_TIMEOUT, Gateway

FORWARDED = ("Authorization", "X-Actor")


def base_url() -> str:
    configured = current_app.config.get("GATEWAY_URL") or os.environ.get("IOP_GATEWAY_URL")
    return (configured or f"http://127.0.0.1:{service_context().settings.http_port}").rstrip("/")


def callers_gateway() -> Gateway:
    headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
    headers["X-Request-ID"] = g.get("request_id") or ""
    session = current_app.config.get("GATEWAY_SESSION") or requests.Session()
    timeout = current_app.config.get("GATEWAY_TIMEOUT") or (CONNECT_TIMEOUT, READ_TIMEOUT)
    return Gateway(base_url(), headers, session, timeout)
