"""What front-ends and client generators rely on (issue 13): CORS per site, and specs that declare
every operation's id, errors and headers. Checked on every service's real spec."""
import pytest

from shared.config import DEMO_SITES_FILE
from shared.sites import load_sites
from system.services import SERVICES
from tests.conftest import CLINICIAN, OTHER_SITE, api_client

MPLS_FRONT_END = "https://mpls.clinic.example"


@pytest.fixture
def sites_with_origins(tmp_path):
    import json

    raw = json.loads(DEMO_SITES_FILE.read_text())
    raw["sites"][0]["allowed_origins"] = [MPLS_FRONT_END]
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(raw))
    return load_sites(path)


@pytest.fixture
def intake(settings, sites_with_origins):
    return api_client("intake", settings, sites_with_origins)


def test_a_preflight_from_an_allowed_origin_is_answered_without_a_key(intake):
    answer = intake.options("/v1/patients", headers={"Origin": MPLS_FRONT_END, "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "Authorization, Idempotency-Key"})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == MPLS_FRONT_END
    assert "idempotency-key" in answer.headers["Access-Control-Allow-Headers"].lower()


def test_answers_to_an_allowed_origin_expose_the_headers_front_ends_read(intake):
    answer = intake.get("/v1/patients", headers={**CLINICIAN, "Origin": MPLS_FRONT_END})
    exposed = {name.strip().lower() for name in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-pagination", "x-request-id", "idempotent-replayed"} <= exposed


def test_an_origin_no_site_allows_gets_no_cors_headers(intake):
    answer = intake.get("/v1/patients", headers={**CLINICIAN, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_another_sites_key_from_this_sites_front_end_is_refused(intake):
    answer = intake.get("/v1/patients", headers={**OTHER_SITE, "Origin": MPLS_FRONT_END})
    assert (answer.status_code, answer.content_type) == (403, "application/problem+json")


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    from shared.config import load_settings
    from system.services import bootstrap
    from tests.in_memory import SITES, in_memory_db

    found = {}
    for service in SERVICES:
        context = bootstrap(service, settings=load_settings({}), sites=SITES, db=in_memory_db())
        app = __import__(f"services.{service}.app", fromlist=["create_app"]).create_app(context=context)
        found[service] = app.test_client().get("/openapi.json").json
    return found


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_a_unique_operation_id(specs, service):
    ids = [operation["operationId"] for _, _, operation in operations(specs[service])]
    assert len(ids) == len(set(ids)) and all(ids)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_its_errors_as_problem_json(specs, service):
    for path, method, operation in operations(specs[service]):
        statuses = set(operation["responses"])
        assert {"400", "401", "403", "429"} <= statuses, (path, method)
        if method in ("post", "put", "patch"):
            assert {"409", "415", "422"} <= statuses, (path, method)
        for status, answer in operation["responses"].items():
            if status.startswith("4") and "$ref" not in answer:
                assert "application/problem+json" in answer["content"], (path, method, status)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_the_headers_it_handles(specs, service):
    for path, method, operation in operations(specs[service]):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "X-Request-ID" in headers, (path, method)
        if method == "post":
            assert "Idempotency-Key" in headers, (path, method)


@pytest.mark.parametrize("service", SERVICES)
def test_summaries_are_one_plain_sentence(specs, service):
    for path, method, operation in operations(specs[service]):
        summary = operation.get("summary", "")
        assert "``" not in summary and "\n" not in summary, (path, method, summary)
