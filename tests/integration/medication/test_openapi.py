"""The OpenAPI spec documents every route of the medication API."""

EXPECTED_PATHS = {
    "/v1/orders",
    "/v1/orders/{order_id}",
    "/v1/orders/{order_id}/adjustments",
    "/v1/orders/{order_id}/discontinue",
    "/v1/check-ins",
    "/v1/check-ins/{check_in_id}",
    "/v1/patients/{patient_id}/medications",
    "/v1/patients/{patient_id}/adherence",
    "/v1/reconciliations",
    "/v1/reconciliations/{reconciliation_id}",
    "/v1/reconciliations/{reconciliation_id}/print",
}


def test_the_spec_lists_every_path(medication):
    spec = medication.get("/openapi.json").json
    assert set(spec["paths"]) == EXPECTED_PATHS


def test_every_v1_route_of_the_app_is_in_the_spec(medication):
    routes = {rule.rule.replace("<", "{").replace(">", "}") for rule in medication.application.url_map.iter_rules()
              if rule.rule.startswith("/v1/")}
    assert routes == EXPECTED_PATHS


def test_the_spec_is_served_without_a_key(medication):
    assert medication.get("/openapi.json").status_code == 200
