"""The OpenAPI spec documents every route of the treatment API, validly, with examples."""
from openapi_spec_validator import validate

EXPECTED_PATHS = {
    "/v1/plans",
    "/v1/plans/{plan_id}",
    "/v1/plans/{plan_id}/signatures",
    "/v1/plans/{plan_id}/revisions",
    "/v1/plans/{plan_id}/reviews",
    "/v1/notes",
    "/v1/notes/{note_id}",
    "/v1/notes/{note_id}/sign",
    "/v1/notes/{note_id}/addenda",
    "/v1/group-sessions",
    "/v1/group-sessions/{session_id}",
    "/v1/discharge-summaries",
    "/v1/discharge-summaries/{summary_id}",
}


def test_the_spec_lists_every_path(treatment):
    assert set(treatment.get("/openapi.json").json["paths"]) == EXPECTED_PATHS


def test_every_v1_route_of_the_app_is_in_the_spec(treatment):
    routes = {rule.rule.replace("<", "{").replace(">", "}") for rule in treatment.application.url_map.iter_rules()
              if rule.rule.startswith("/v1/")}
    assert routes == EXPECTED_PATHS


def test_the_spec_is_valid_openapi_3_and_served_without_a_key(treatment):
    answer = treatment.get("/openapi.json")
    assert answer.status_code == 200
    validate(answer.json)


def test_the_request_bodies_of_plans_carry_examples(treatment):
    paths = treatment.get("/openapi.json").json["paths"]
    for path, method in (("/v1/plans", "post"), ("/v1/plans/{plan_id}", "put"),
                         ("/v1/plans/{plan_id}/signatures", "post"), ("/v1/plans/{plan_id}/reviews", "post")):
        assert "example" in paths[path][method]["requestBody"]["content"]["application/json"], (path, method)


def test_the_docs_page_needs_no_key(treatment):
    answer = treatment.get("/docs")
    assert answer.status_code == 200 and b"swagger" in answer.data.lower()
