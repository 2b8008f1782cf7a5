"""Answers as the spec promises them: every 2xx JSON answer of a Flask test client checked against
its service's own OpenAPI spec, ``required`` and ``nullable`` enforced (issue 13: response fields the
server always sends are ``required``, so that client generators may trust them).

Used by tests/integration/shared/test_answer_contract.py, and as a pytest plugin over any tier that
drives the APIs with the Flask test client::

    .venv/bin/python -m pytest -p tests.answer_contract tests/integration/aftercare

makes every test fail whose answers break the spec. Formats are not judged here: fixtures name
objects with readable ids (``pat-1``) that the services never make; schemathesis (tests/fuzz)
judges formats on the ids the services do make.
"""
import re
from weakref import WeakKeyDictionary

from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker

_RULE_ARGUMENT = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
_SPECS: "WeakKeyDictionary[Flask, dict]" = WeakKeyDictionary()


def spec_of(app: Flask) -> dict | None:
    """The spec the app serves at /openapi.json."""
    apis = set(app.extensions.get("flask-smorest", {}).get("blp_name_to_api", {}).values())
    if not apis:
        return None
    if app not in _SPECS:
        _SPECS[app] = next(iter(apis)).spec.to_dict()
    return _SPECS[app]


def answer_errors(app: Flask, method: str, path: str, status: int, body, formats: bool = False) -> list[str]:
    """How the answer ``body`` (``status`` to ``method path``) breaks the app's spec; [] when it keeps it
    or when the spec does not document the route. ``formats`` judges formats too (``uuid``...)."""
    spec = spec_of(app)
    if spec is None:
        return []
    try:
        rule, _ = app.url_map.bind("localhost").match(path.split("?")[0], method=method, return_rule=True)
    except Exception:  # a 404 or 405 route: nothing documented to keep
        return []
    operation = spec["paths"].get(_RULE_ARGUMENT.sub(r"{\1}", rule.rule), {}).get(method.lower())
    if operation is None:
        return []
    answer = operation["responses"].get(str(status))
    if answer is None:
        return [f"{method} {rule.rule}: status {status} is not documented"]
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return [f"{method} {rule.rule}: a JSON answer with status {status} is not documented as JSON"]
    validator = OAS30Validator({**schema, "components": spec["components"]},
                               format_checker=oas30_format_checker if formats else None)
    return [f"{method} {rule.rule} {status}: at {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(body)]


def check_answer(client: FlaskClient, method: str, path: str, response, formats: bool = False) -> None:
    if response.status_code >= 300 or not response.is_json or not response.data:
        return
    errors = answer_errors(client.application, method.upper(), path, response.status_code, response.get_json(),
                           formats)
    assert not errors, "the answer breaks the spec:\n" + "\n".join(errors[:20])


class CheckedClient(FlaskClient):
    """A test client whose every 2xx JSON answer must keep the spec (``formats``: formats too)."""

    formats = False

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "/")
        check_answer(self, kwargs.get("method", "GET"), path, response, self.formats)
        return response


class StrictClient(CheckedClient):
    formats = True


def checked(client: FlaskClient, formats: bool = False) -> FlaskClient:
    """The same client, every 2xx JSON answer checked from now on."""
    client.__class__ = StrictClient if formats else CheckedClient
    return client


# -- as a pytest plugin ---------------------------------------------------------------------
def pytest_configure(config):
    Flask.test_client_class = CheckedClient
