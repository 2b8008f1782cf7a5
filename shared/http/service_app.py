"""The app factory every service API is built with, so that each service is only its domain.

Routes live under ``/v1`` plus ``/healthz``, ``/readyz``, ``/openapi.json`` and ``/docs``; the
service prefix (``/intake`` ...) comes from where the app is mounted: the embedded gateway's
dispatcher, or ``SCRIPT_NAME`` under gunicorn behind the docker-compose gateway.
"""
import os

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from werkzeug.middleware.proxy_fix import ProxyFix

from shared.context import ServiceContext
from shared.http import audit, idempotency
from shared.http.auth import install_authentication
from shared.http.cors import install_cors
from shared.http.hardening import (
    allow_docs_page,
    document_integer_rule,
    document_text_rule,
    install_hardening,
    install_key_rate_limit,
    refuse_unknown_query_parameters,
    undocument_integer_rule_of_parameters,
)
from shared.http.health import install_health
from shared.http.openapi import ContractPlugin
from shared.http.problems import from_http_exception, register_problem_handlers
from shared.http.request_context import install_request_id
from shared.logging_setup import configure_logging
from shared.metrics import install_http_metrics

PROJECT_URL = "https://iop-operations.example"


class Problem(Schema):
    """An error answer (RFC 9457); a 422 adds ``errors``, each field mapped to its messages."""

    type = fields.String(metadata={"example": "https://iop-operations.example/problems/unprocessable-content"})
    title = fields.String(metadata={"example": "Unprocessable content"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String(metadata={"example": "The request has invalid fields."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"example": {"birth_date": ["Not a valid date."]}})


class ServiceApi(Api):
    """flask-smorest's Api, answering every HTTP error as problem+json and documenting it so."""

    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        return from_http_exception(error)

    def _register_pagination_header(self):
        # flask-smorest documents X-Pagination as an object, but a header is a string: say it is a
        # string holding that JSON object, so that clients and validators read it as it is sent.
        self.spec.components.header("PAGINATION", {
            "description": "Pagination metadata as a JSON object: total, total_pages, first_page, last_page, "
                           "page, and previous_page / next_page where they exist.",
            "schema": {"type": "string", "example": '{"total": 42, "total_pages": 5, "first_page": 1, '
                                                    '"last_page": 5, "page": 1, "next_page": 2}'},
        }, lazy=True)

    def _register_responses(self):
        # flask-smorest documents its error responses with the default content type.
        success_content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/problem+json"
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = success_content_type


def api_settings(service: str, title: str, description: str) -> dict:
    """flask-smorest's settings: the spec's info, servers and security, and the docs page."""
    return dict(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        # Served by this app from the installed swagger-ui-bundle package: the docs work offline.
        # Relative to /<service>/docs, so that it holds under any mount prefix.
        OPENAPI_SWAGGER_UI_URL="docs/assets/",
        API_SPEC_OPTIONS={
            "info": {"description": description,
                     "contact": {"name": "IOP operations backend maintainers", "url": PROJECT_URL},
                     "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}},
            "servers": [{"url": f"/{service}"}],
            "security": [{"siteKey": []}],
            "components": {
                "securitySchemes": {"siteKey": {"type": "http", "scheme": "bearer",
                                                "description": "A site's clinician key, or an operator key for operations endpoints."}},
            },
        },
        JSON_SORT_KEYS=False,
    )


def create_service_app(
    context: ServiceContext,
    title: str,
    description: str,
    blueprints: list[Blueprint],
    config: dict | None = None,
) -> Flask:
    configure_logging("api")
    context.extra_indexes.update({**idempotency.INDEXES, **audit.INDEXES})
    app = Flask(context.service)
    app.config.update(api_settings(context.service, title, description))
    app.config.update(config or {})
    app.extensions["iop"] = context

    if os.environ.get("IOP_TRUSTED_PROXIES"):
        # Behind the gateway the client's address is in X-Forwarded-For, set by that many proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(os.environ["IOP_TRUSTED_PROXIES"]))
    install_hardening(app)
    install_request_id(app)
    install_authentication(app, on_failure=audit.record_failed_authentication)
    install_cors(app, context.sites)
    install_key_rate_limit(app)
    audit.install_audit(app)  # before idempotency: a lost outcome record keeps the key's first answer (audit.py)
    idempotency.install_idempotency(app)
    install_health(app)
    install_http_metrics(app, context.service)  # GET /metrics and the latency of every request (shared/metrics.py)

    api = ServiceApi(app, spec_kwargs={"extra_plugins": [ContractPlugin()]})
    api.ma_plugin.converter.add_attribute_function(document_text_rule)
    api.ma_plugin.converter.add_attribute_function(document_integer_rule)
    api.ma_plugin.converter.add_parameter_attribute_function(undocument_integer_rule_of_parameters)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    allow_docs_page(app)
    app.add_url_rule("/docs/assets/<path:filename>", "docs_assets",
                     lambda filename: send_from_directory(swagger_ui_bundle.swagger_ui_path, filename))
    refuse_unknown_query_parameters(app, api)
    register_problem_handlers(app)
    return app
