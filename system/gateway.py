"""One base URL for every API by path prefix, as the docker-compose gateway serves them.

``make run`` serves this with one gunicorn; each gunicorn worker builds the apps after the fork,
each with its own database client. In docker-compose each API runs in its own container and
nginx routes the same prefixes. The operators' dashboard (system/dashboard) is mounted at
``/dashboard``, as the compose gateway routes it to its own container.
"""
import importlib

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from shared.http.problems import from_http_exception
from system import dashboard
from system.services import SERVICES


def create_gateway():
    index = Flask("gateway")
    # A path no service serves answers problem+json, like every error of the APIs.
    index.register_error_handler(HTTPException, from_http_exception)

    @index.get("/")
    def services():
        return jsonify(services={name: {"docs": f"/{name}/docs", "openapi": f"/{name}/openapi.json",
                                        "health": f"/{name}/healthz", "ready": f"/{name}/readyz",
                                        "metrics": f"/{name}/metrics"}
                                 for name in SERVICES}, dashboard="/dashboard/")

    return DispatcherMiddleware(index, {
        **{f"/{service}": importlib.import_module(f"services.{service}.app").create_app() for service in SERVICES},
        "/dashboard": dashboard.create_app(),
    })
