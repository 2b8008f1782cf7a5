"""What every service's OpenAPI spec declares beyond its own schemas, so that client generators and
linters can trust it (issue 13): an ``operationId`` per operation, every error a call can give as
problem+json, the request and answer headers every API handles, summaries without markup, every
field an answer always sends as ``required`` (shared/http/fields.py ``Answer``), and ids in paths as
UUIDs.

An apispec plugin: flask-smorest hands each operation to :meth:`ContractPlugin.operation_helper`
with its werkzeug rule, and apispec each schema component to :meth:`ContractPlugin.schema_helper`
after the marshmallow plugin has written it, before the spec is served.
"""
import re

from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_instance

from shared.http.fields import Answer

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
ERRORS = {
    "400": "Bad request: a body that is not JSON, an unknown query parameter, a malformed header.",
    "401": "No key, or a key this service does not know.",
    "403": "The key may not call this operation (an operator key on a clinical call).",
    "404": "No such resource at the caller's site (another site's answers the same).",
    "409": "The resource's state refuses the change, or the same Idempotency-Key is still in progress.",
    "413": "The body is larger than 1 MiB.",
    "415": "The body is not application/json.",
    "422": "Invalid fields; `errors` names each one.",
    "429": "Too many calls for this key, or too many failed authentications from this address.",
}
WRITE_METHODS = {"post", "put", "patch"}
# Printable ASCII, no space at either end (HTTP drops it): what audit.py and idempotency.py accept.
TOKEN_PATTERN = "^[!-~]([ -~]*[!-~])?$"
REQUEST_ID = {"in": "header", "name": "X-Request-ID", "required": False,
              "description": "Your id for this call; every event it causes carries it as correlation_id. Kept when it "
                             "matches ^[A-Za-z0-9._:-]{1,128}$, else (or when absent) one is made.",
              "schema": {"type": "string"}}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "description": "Send the same key again to get the first answer back instead of a second change.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": TOKEN_PATTERN}}
ACTOR = {"in": "header", "name": "X-Actor", "required": False,
         "description": "The person behind the site key (a staff id, never a name), recorded in the audit trail.",
         "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": TOKEN_PATTERN}}
ANSWER_HEADERS = {"X-Request-ID": {"description": "The call's id (yours, or made for it).", "schema": {"type": "string"}}}
REPLAYED = {"Idempotent-Replayed": {"description": "`true` when this is the stored first answer to an Idempotency-Key.",
                                    "schema": {"type": "string", "enum": ["true"]}}}
DOUBLE_BACKTICKS = re.compile(r"``([^`]+)``")
# Path parameters that name an object by the id the server made for it (uuid4, or uuid5 of a
# natural key): every one is a UUID. A path segment that is a code or a day is named otherwise.
ID_PARAMETER = re.compile(r"^(.+_)?id$")


class ContractPlugin(BasePlugin):
    def schema_helper(self, name, definition, schema=None, **kwargs):
        instance = resolve_schema_instance(schema) if schema is not None else None
        if isinstance(instance, Answer):
            sent = [prop for prop in instance.sent_always() if prop in definition.get("properties", {})]
            definition.pop("required", None)
            if sent:
                definition["required"] = sent
        return definition

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        # After flask-smorest's own path helper has documented the rule's parameters. Routes take any
        # string (a malformed id answers 404, as an unknown one does); the spec says what a real id
        # looks like, so that generated clients type it.
        for parameter in parameters or []:
            if parameter.get("in") == "path" and ID_PARAMETER.match(parameter.get("name", "")):
                parameter.setdefault("schema", {}).setdefault("format", "uuid")

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:
                operation.setdefault("operationId", f"{rule.endpoint.replace('.', '_')}_{method}"
                                     if len(rule.methods - {"HEAD", "OPTIONS"}) > 1 else rule.endpoint.replace(".", "_"))
            _declare_errors(operation, method, has_path_parameters="{" in (path or str(rule)))
            _declare_headers(operation, method)
            _plain_summary(operation)


def _declare_errors(operation: dict, method: str, has_path_parameters: bool) -> None:
    # flask-smorest keys responses by int or str status; one key per status from here on.
    responses = operation["responses"] = {str(status): answer for status, answer in operation.get("responses", {}).items()}
    statuses = {"400", "401", "403", "429"}
    if has_path_parameters:
        statuses.add("404")
    if method in WRITE_METHODS:
        statuses |= {"409", "413", "415", "422"}
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        statuses.add("422")
    for status in sorted(statuses):
        responses.setdefault(status, {"description": ERRORS[status]})
    for status, response in responses.items():
        # A string or a $ref names a component response, which documents itself.
        if status.startswith("4") and isinstance(response, dict) and "$ref" not in response and "content" not in response:
            response["content"] = PROBLEM


def _declare_headers(operation: dict, method: str) -> None:
    parameters = operation.setdefault("parameters", [])
    names = {parameter.get("name") for parameter in parameters}
    for header in ([REQUEST_ID, ACTOR] + ([IDEMPOTENCY_KEY] if method == "post" else [])):
        if header["name"] not in names:
            parameters.append(header)
    for status, response in operation["responses"].items():
        if not isinstance(response, dict) or "$ref" in response:
            continue
        headers = response.setdefault("headers", {})
        headers.update(ANSWER_HEADERS)
        if method == "post" and status.startswith("2"):
            headers.update(REPLAYED)


def _plain_summary(operation: dict) -> None:
    """flask-smorest takes a docstring's first paragraph as the summary: keep its first sentence,
    move the rest to the description, and turn reStructuredText ``code`` into Markdown `code`."""
    summary = DOUBLE_BACKTICKS.sub(r"`\1`", operation.get("summary", "")).replace("\n", " ")
    description = DOUBLE_BACKTICKS.sub(r"`\1`", operation.get("description", ""))
    first, _, rest = summary.partition(". ")
    if rest:
        description = f"{summary}\n\n{description}".strip()
        summary = first.rstrip(".")
    if summary:
        operation["summary"] = summary.replace("`", "")
    operation["description"] = description or operation.get("summary", "")
