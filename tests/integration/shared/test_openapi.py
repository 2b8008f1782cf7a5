"""Every service documents itself: a valid OpenAPI 3 spec, errors as problem+json, a docs page."""
import pytest
from openapi_spec_validator import validate

from tests.conftest import api_client

SERVICES = ("intake", "scheduling", "medication", "aftercare")


@pytest.mark.parametrize("service", SERVICES)
def test_the_spec_is_valid_openapi_3(service, settings, sites):
    validate(api_client(service, settings, sites).get("/openapi.json").json)


@pytest.mark.parametrize("service", SERVICES)
def test_error_answers_are_documented_as_problem_json(service, settings, sites):
    spec = api_client(service, settings, sites).get("/openapi.json").json
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert error == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_needs_no_key(service, settings, sites):
    answer = api_client(service, settings, sites).get("/docs")
    assert answer.status_code == 200 and b"swagger" in answer.data.lower()
