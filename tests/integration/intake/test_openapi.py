"""The OpenAPI spec documents every intake endpoint, with schemas and examples."""
import pytest

EXPECTED_OPERATIONS = {
    "/v1/patients/{patient_id}/consents": {"get", "post"},
    "/v1/consents/{consent_id}": {"get"},
    "/v1/consents/{consent_id}/revoke": {"post"},
    "/v1/patients/{patient_id}/safety-plans": {"get", "post"},
    "/v1/safety-plans/{safety_plan_id}": {"get"},
    "/v1/referrals": {"get", "post"},
    "/v1/referrals/{referral_id}": {"get"},
    "/v1/referrals/{referral_id}/transitions": {"post"},
    "/v1/patients": {"get", "post"},
    "/v1/patients/{patient_id}": {"get", "patch"},
    "/v1/patients/{patient_id}/assessments": {"get", "post"},
    "/v1/patients/{patient_id}/assessments/summary": {"get"},
    "/v1/enrollments": {"get", "post"},
    "/v1/enrollments/{enrollment_id}": {"get"},
    "/v1/enrollments/{enrollment_id}/discharge": {"post"},
    "/v1/enrollments/{enrollment_id}/planned-length": {"post"},
    "/v1/enrollments/{enrollment_id}/level-of-care": {"post"},
    "/v1/enrollments/{enrollment_id}/diagnoses": {"put"},
    "/v1/programs": {"get"},
    "/v1/census": {"get"},
}
REQUEST_SCHEMAS_WITH_EXAMPLES = ["ReferralCreate", "ReferralTransition", "PatientCreate", "AssessmentCreate",
                                 "EnrollmentCreate", "Discharge", "LengthChange", "LevelOfCareChange",
                                 "DiagnosesUpdate"]


@pytest.fixture
def spec(intake):
    answer = intake.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json


def test_the_spec_needs_no_key(intake):
    assert intake.get("/openapi.json").status_code == 200


def test_the_spec_lists_every_path_and_method(spec):
    assert {path: set(operations) - {"parameters"} for path, operations in spec["paths"].items()} == \
        EXPECTED_OPERATIONS


def test_the_spec_lists_every_path_the_app_serves(intake, spec):
    served = {rule.rule.replace("<", "{").replace(">", "}") for rule in intake.application.url_map.iter_rules()
              if rule.rule.startswith("/v1/")}
    assert served == set(spec["paths"])


def test_every_operation_answers_with_a_schema(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            success = [code for code in operation["responses"] if code.startswith("2")]
            content = operation["responses"][success[0]]["content"]["application/json"]
            assert "schema" in content, (method, path)


@pytest.mark.parametrize("schema", REQUEST_SCHEMAS_WITH_EXAMPLES)
def test_request_bodies_carry_examples(spec, schema):
    properties = spec["components"]["schemas"][schema]["properties"]
    assert any("example" in field for field in properties.values()), schema


def test_the_assessment_instrument_is_documented_as_an_enum(spec):
    assert spec["components"]["schemas"]["AssessmentCreate"]["properties"]["instrument"]["enum"] == [
        "PHQ-9", "GAD-7", "C-SSRS", "PCL-5", "AUDIT"]


def test_the_discharge_outcome_documents_its_teds_d_reason_for_discharge(spec):
    outcome = spec["components"]["schemas"]["Discharge"]["properties"]["outcome"]
    assert "death" in outcome["enum"] and "`incarcerated` → 5 Incarcerated" in outcome["description"]
