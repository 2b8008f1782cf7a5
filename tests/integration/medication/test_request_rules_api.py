"""What the spec says a request may be is what medication accepts (issue 14, schemathesis): a body the
served spec refuses is a 422 naming the field and changes nothing; one it allows gets past the
request checks. Found by fuzzing: a dose with a line break inside was documented as valid."""
import jsonschema_rs
import pytest

from services.medication.store import CHECK_INS, ORDERS
from tests.conftest import CLINICIAN, pending_events
from tests.integration.medication.conftest import known_patient, order_body, prescribe


@pytest.fixture
def allows(medication):
    """``allows(method, path, body)``: whether the served spec allows ``body`` for that operation, judged
    as schemathesis and clients judge it (ECMA patterns: ``$`` is the end, not before a final newline)."""
    spec = medication.get("/openapi.json").json

    def check(method: str, path: str, body) -> bool:
        schema = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        return jsonschema_rs.Draft4Validator({**schema, "components": spec["components"]}).is_valid(body)

    return check


@pytest.mark.parametrize("dose, allowed", [
    ("100 mg", True),
    (" 100 mg\n", True),  # kept as "100 mg"
    ("100 mg\r50 mg", False),  # the fuzzer's case
    ("\t", False),
    ("1" * 501, False),
])
def test_an_adjusted_dose_is_accepted_exactly_as_the_spec_says(medication, medication_context, allows, dose, allowed):
    order = prescribe(medication, known_patient(medication_context))
    body = {"dose": dose, "reason": "partial response"}
    assert allows("post", "/v1/orders/{order_id}/adjustments", body) is allowed
    answer = medication.post(f"/v1/orders/{order['id']}/adjustments", json=body, headers=CLINICIAN)
    if allowed:
        assert (answer.status_code, answer.json["dose"]) == (200, dose.strip())
    else:
        assert (answer.status_code, list(answer.json["errors"])) == (422, ["dose"])
        assert pending_events(medication_context, ORDERS, "medication.order.adjusted") == []


@pytest.mark.parametrize("patient_id", ["", "p 1", "x" * 65, "p-1\n"])
def test_a_patient_id_no_patient_can_have_is_refused_by_the_spec_and_the_api(medication, medication_context, allows,
                                                                            patient_id):
    order, check_in = order_body(patient_id), {"patient_id": patient_id, "adherence": "taken"}
    assert not allows("post", "/v1/orders", order) and not allows("post", "/v1/check-ins", check_in)
    for path, body in (("/v1/orders", order), ("/v1/check-ins", check_in)):
        answer = medication.post(path, json=body, headers=CLINICIAN)
        assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient_id"])
    assert pending_events(medication_context, ORDERS) == pending_events(medication_context, CHECK_INS) == []


def test_a_blank_indication_is_allowed_by_the_spec_and_kept_as_none(medication, medication_context, allows):
    body = order_body(known_patient(medication_context), indication="  ")
    assert allows("post", "/v1/orders", body)
    answer = medication.post("/v1/orders", json=body, headers=CLINICIAN)
    assert (answer.status_code, answer.json["indication"]) == (201, None)
