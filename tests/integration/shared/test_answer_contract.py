"""What client generators may trust in every service's spec (issue 13): each answer field the server
always sends is ``required`` (``nullable`` where it may be null), and each id is a ``format: uuid``.

Answer schemas derive from ``shared.http.fields.Answer``, which marks every field required unless it
says it is sometimes left out; the fields left out of some answers are pinned here, so that a field
losing its ``required`` marker (or a new one that is sometimes absent) is a decision, not a slip.
Real answers are checked against the specs with ``required`` and formats enforced (tests/answer_contract.py;
``-p tests.answer_contract`` checks every answer of the integration tier the same way).
"""
import importlib
import json
import os
import re
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from system.services import SERVICES
from tests.answer_contract import answer_errors, checked
from tests.conftest import CLINICIAN, api_client, deliver_to, published, service_context

# Fields some answers leave out, by service and schema; every other answer field is required.
SOMETIMES_ABSENT = {
    "intake": {
        "Demographics": ["email", "phone"],
        "Enrollment": ["measurement_overdue"],
        "Patient": ["email", "phone", "updated_at"],
        # Request schemas answered back as given: optional in both.
        "SafetyPlanContact": ["phone"], "SafetyPlanDistraction": ["phone"], "SafetyPlanProfessional": ["phone"],
        "StepDown": ["provider"],
    },
    "scheduling": {
        "Appointment": ["booked_by_staff"],
        "AppointmentHistoryEntry": ["note", "reason", "starts_at", "status"],
    },
    "medication": {
        "Order": ["history"],
        "PatientMedications": ["discontinued"],
        "ReconciledMedication": ["indication", "rxnorm"],
    },
    "aftercare": {
        "Address": ["line2"],
        "HistoryEntry": ["assignee", "note", "reason"],
        "PacketPart": ["data", "reason"],
        "PacketParts": ["aftercare_plan", "diagnoses", "follow_up_appointment", "goals", "relapse_prevention_plan",
                        "safety_plan"],
        "Referral": ["accepted_at", "cancelled_at", "completed_at", "decline_reason", "declined_at",
                     "re_referral_task_id", "referral_follow_up_task_id", "scheduled_at", "sent_at", "sent_disclosure"],
        "Task": ["appointment", "attended_on", "content", "reconciliation_id", "risk_assessment", "safety_plan"],
        "Visit": ["kind", "provider_id"],
    },
    "treatment": {},
    "webhooks": {},
}
# Fields named like ids that are not ids the services make: natural keys (a site, a measure's code).
NOT_UUIDS = {
    "intake": {"SiteCensus": ["site_id"]},
    "scheduling": {},
    "medication": {},
    "aftercare": {"Measure": ["id"], "SiteFollowUpRates": ["site_id"], "SiteTaskCounts": ["site_id"]},
    "treatment": {},
    "webhooks": {},
}
ID_NAME = re.compile(r"^(.+_)?ids?$")


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    from shared.config import load_settings
    from system.services import bootstrap
    from tests.in_memory import SITES, in_memory_db

    specs = {}
    for service in SERVICES:
        context = bootstrap(service, settings=load_settings({}), sites=SITES, db=in_memory_db())
        app = __import__(f"services.{service}.app", fromlist=["create_app"]).create_app(context=context)
        specs[service] = app.test_client().get("/openapi.json").json
    return specs


def _refs(node, found: set) -> set:
    if isinstance(node, dict):
        if "$ref" in node:
            found.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _reachable(spec: dict, roots: set) -> set:
    schemas, seen, todo = spec["components"]["schemas"], set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo.extend(_refs(schemas[name], set()))
    return seen


def answer_schemas(spec: dict) -> set:
    """The schemas 2xx answers are made of."""
    roots = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items() if isinstance(operation, dict) else ():
                if status.startswith("2"):
                    _refs(answer, roots)
    return _reachable(spec, roots)


def request_schemas(spec: dict) -> set:
    roots = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                _refs(operation.get("requestBody", {}), roots)
    return _reachable(spec, roots)


@pytest.mark.parametrize("service", SERVICES)
def test_every_answer_field_is_required_but_those_pinned_as_sometimes_absent(specs, service):
    spec = specs[service]
    optional = {}
    for name in sorted(answer_schemas(spec)):
        schema = spec["components"]["schemas"][name]
        if left := sorted(set(schema.get("properties", {})) - set(schema.get("required", []))):
            optional[name] = left
    assert optional == SOMETIMES_ABSENT[service]


@pytest.mark.parametrize("service", SERVICES)
def test_every_id_is_a_uuid_but_natural_keys_and_unchecked_references(specs, service):
    spec, not_uuids = specs[service], {}
    for name in sorted(answer_schemas(spec) | request_schemas(spec)):
        for field, prop in spec["components"]["schemas"][name].get("properties", {}).items():
            value = prop.get("items", {}) if prop.get("type") == "array" else prop
            if ID_NAME.match(field) and value.get("format") != "uuid":
                not_uuids.setdefault(name, []).append(field)
    assert not_uuids == NOT_UUIDS[service]


@pytest.mark.parametrize("service", SERVICES)
def test_every_id_in_a_path_is_a_uuid(specs, service):
    parameters = [parameter for item in specs[service]["paths"].values() for parameter in item.get("parameters", [])
                  if parameter["in"] == "path" and ID_NAME.match(parameter["name"])]
    assert parameters and all(parameter["schema"].get("format") == "uuid" for parameter in parameters)


@pytest.mark.parametrize("service", SERVICES)
def test_a_malformed_id_in_a_path_answers_404_problem_json(service, settings, sites):
    client = api_client(service, settings, sites)
    path = next(rule.rule for rule in client.application.url_map.iter_rules()
                if re.fullmatch(r"/v1/[a-z-]+/<([a-z]+_)?id>", rule.rule) and "GET" in rule.methods)
    answer = client.get(re.sub(r"<[^>]+>", "not-a-uuid", path), headers=CLINICIAN)
    assert (answer.status_code, answer.mimetype) == (404, "application/problem+json")


def _query_id_filters(spec: dict) -> list[tuple[str, dict]]:
    return [(path, parameter) for path, item in spec["paths"].items() for operation in item.values()
            if isinstance(operation, dict) for parameter in operation.get("parameters", [])
            if parameter["in"] == "query" and ID_NAME.match(parameter["name"])]


@pytest.mark.parametrize("service", SERVICES)
def test_every_id_filter_in_a_query_is_a_uuid(specs, service):
    filters = _query_id_filters(specs[service])
    assert filters and all(parameter["schema"].get("format") == "uuid" for _, parameter in filters)


@pytest.mark.parametrize("service", SERVICES)
def test_a_malformed_id_filter_is_422_on_the_parameter(specs, service, settings, sites):
    client = api_client(service, settings, sites)
    for path, parameter in _query_id_filters(specs[service]):
        if "{" in path:
            continue
        answer = client.get(path, query_string={parameter["name"]: "not-a-uuid"}, headers=CLINICIAN)
        assert (answer.status_code, answer.mimetype) == (422, "application/problem+json"), (path, answer.json)
        assert parameter["name"] in answer.json["errors"], (path, answer.json)


# -- real answers -------------------------------------------------------------------------------
def test_a_generated_client_types_what_is_required_and_parses_real_answers(specs, settings, sites, tmp_path):
    """openapi-python-client makes a required field a plain attribute (``from_dict`` fails without it),
    an optional one ``Unset`` when left out, and an id a ``UUID``."""
    from tests.integration.medication.conftest import known_patient, prescribe

    tools = Path(sys.executable).parent
    (tmp_path / "medication.json").write_text(json.dumps(specs["medication"]))
    run = subprocess.run([str(tools / "openapi-python-client"), "generate", "--path", str(tmp_path / "medication.json"),
                          "--meta", "none", "--output-path", str(tmp_path / "generated_medication")],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"})
    assert run.returncode == 0 and "Warning" not in run.stdout, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        models = importlib.import_module("generated_medication.models")
        types = importlib.import_module("generated_medication.types")
    finally:
        sys.path.remove(str(tmp_path))
    medication = api_client("medication", settings, sites)
    patient_id = known_patient(service_context("medication", settings, sites))
    prescribe(medication, patient_id)
    listed = models.PatientMedications.from_dict(
        medication.get(f"/v1/patients/{patient_id}/medications", headers=CLINICIAN).json)
    [order] = listed.current
    assert (listed.patient_id, type(order.id), order.dose) == (uuid.UUID(patient_id), uuid.UUID, "50 mg")
    assert order.discontinued_at is None and isinstance(order.history, types.Unset)
    assert isinstance(listed.discontinued, types.Unset)
    with pytest.raises(KeyError):
        models.Order.from_dict({key: value for key, value in order.to_dict().items() if key != "dose"})


def test_an_answer_missing_a_required_field_breaks_the_spec(settings, sites):
    """The check itself: the same answer keeps the spec, and breaks it without a required field."""
    from tests.integration.medication.conftest import known_patient, prescribe

    medication = api_client("medication", settings, sites)
    order = prescribe(medication, known_patient(service_context("medication", settings, sites)))
    path = f"/v1/orders/{order['id']}"
    assert answer_errors(medication.application, "GET", path, 200, order, formats=True) == []
    for field in ("dose", "discontinued_at"):  # one never null, one null until discontinued
        errors = answer_errors(medication.application, "GET", path, 200,
                               {key: value for key, value in order.items() if key != field})
        assert errors and f"'{field}' is a required property" in errors[0]
    assert answer_errors(medication.application, "GET", path, 200, {**order, "patient_id": "p-1"}, formats=True)


def test_intake_answers_keep_the_spec(settings, sites):
    from tests.integration.intake.helpers import admit, days_ago, register

    intake = checked(api_client("intake", settings, sites), formats=True)
    patient_id = register(intake)
    intake.get(f"/v1/patients/{patient_id}", headers=CLINICIAN)
    intake.patch(f"/v1/patients/{patient_id}", json={"phone": "+1 612 555 0100"}, headers=CLINICIAN)
    intake.get("/v1/patients", query_string={"mrn": "MRN-1"}, headers=CLINICIAN)
    enrollment = admit(intake, patient_id)
    intake.post(f"/v1/patients/{patient_id}/assessments", json={
        "instrument": "PHQ-9", "item_scores": [1, 1, 1, 1, 1, 1, 1, 1, 1], "enrollment_id": enrollment["id"]},
        headers=CLINICIAN)
    answer = intake.post(f"/v1/enrollments/{enrollment['id']}/discharge",
                         json={"outcome": "completed", "discharge_date": days_ago(0)}, headers=CLINICIAN)
    assert answer.status_code == 200, answer.json
    for path in (f"/v1/enrollments/{enrollment['id']}", "/v1/programs", f"/v1/patients/{patient_id}/consents",
                 "/v1/census"):
        assert intake.get(path, headers=CLINICIAN).status_code == 200, path


def test_medication_answers_keep_the_spec(settings, sites):
    from tests.integration.medication.conftest import known_patient, prescribe

    medication = checked(api_client("medication", settings, sites), formats=True)
    patient_id = known_patient(service_context("medication", settings, sites))
    order = prescribe(medication, patient_id, rxnorm="36437")
    prescribe(medication, patient_id, medication="Hydroxyzine")
    medication.post(f"/v1/orders/{order['id']}/adjustments", json={"dose": "100 mg", "reason": "partial response"},
                    headers=CLINICIAN)
    medication.post(f"/v1/orders/{order['id']}/discontinue", json={"reason": "sedation"}, headers=CLINICIAN)
    medication.post("/v1/check-ins", json={"patient_id": patient_id, "adherence": "partial",
                                           "side_effects": [{"name": "nausea", "severity": "mild"}]}, headers=CLINICIAN)
    for path in (f"/v1/patients/{patient_id}/medications", f"/v1/patients/{patient_id}/medications?include=history",
                 f"/v1/patients/{patient_id}/adherence", f"/v1/orders?patient_id={patient_id}",
                 f"/v1/check-ins?patient_id={patient_id}"):
        assert medication.get(path, headers=CLINICIAN).status_code == 200, path


def test_scheduling_answers_keep_the_spec(settings, sites):
    from services.scheduling.handlers import HANDLERS
    from tests.integration.scheduling.conftest import admission, create_group, sessions_of

    scheduling = checked(api_client("scheduling", settings, sites), formats=True)
    group = create_group(scheduling)
    admitted = admission(group_id=group["id"])
    deliver_to(HANDLERS, service_context("scheduling", settings, sites), admitted)
    enrollment_id, patient_id = admitted["payload"]["enrollment_id"], admitted["payload"]["patient_id"]
    session = sessions_of(scheduling, enrollment_id)[0]
    answer = scheduling.post("/v1/appointments", json={
        "patient_id": patient_id, "enrollment_id": enrollment_id, "kind": "individual_therapy",
        "starts_at": "2027-01-20T14:00:00-06:00", "duration_minutes": 50}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    scheduling.post(f"/v1/appointments/{answer.json['id']}/cancel", json={"reason": "patient_request"},
                    headers=CLINICIAN)
    scheduling.post(f"/v1/sessions/{session['id']}/attendance", json={"enrollment_id": enrollment_id,
                                                                     "status": "present"}, headers=CLINICIAN)
    answer = scheduling.post("/v1/calendar-links", json={"feed": "group", "id": group["id"]}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    for path in (f"/v1/groups/{group['id']}", f"/v1/groups/{group['id']}/roster",
                 f"/v1/enrollments/{enrollment_id}/schedule", f"/v1/enrollments/{enrollment_id}/attendance-summary",
                 f"/v1/appointments?patient_id={patient_id}", "/v1/calendar-links"):
        assert scheduling.get(path, headers=CLINICIAN).status_code == 200, path


def test_treatment_answers_keep_the_spec(settings, sites):
    from tests.integration.treatment.conftest import active_plan, admitted_enrollment, attendance_event, deliver

    treatment = checked(api_client("treatment", settings, sites), formats=True)
    context = service_context("treatment", settings, sites)
    enrollment_id, patient_id = admitted_enrollment(context)
    plan = active_plan(treatment, enrollment_id)
    deliver(context, attendance_event(enrollment_id, patient_id))
    for path in (f"/v1/plans/{plan['id']}", f"/v1/plans?enrollment_id={enrollment_id}",
                 f"/v1/notes?enrollment_id={enrollment_id}"):
        assert treatment.get(path, headers=CLINICIAN).status_code == 200, path


def test_aftercare_answers_keep_the_spec(settings, sites):
    from services.aftercare.handlers import HANDLERS
    from shared.events import load_event

    aftercare = checked(api_client("aftercare", settings, sites), formats=True)
    enrollment_id, patient_id = str(uuid.uuid4()), str(uuid.uuid4())
    deliver_to(HANDLERS, service_context("aftercare", settings, sites), load_event(published(
        "intake.enrollment.completed", {
            "enrollment_id": enrollment_id, "patient_id": patient_id, "program": "mh-adult",
            "start_date": date(2026, 9, 1), "discharge_date": date(2026, 11, 25), "outcome": "completed",
            "step_down": None}, "mpls", datetime.now(timezone.utc) - timedelta(minutes=1))))
    [plan] = aftercare.get(f"/v1/plans?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    aftercare.get(f"/v1/plans/{plan['id']}", headers=CLINICIAN)
    answer = aftercare.post("/v1/referrals", json={"plan_id": plan["id"], "level_of_care": "outpatient_therapy"},
                            headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    for path in (f"/v1/tasks?enrollment_id={enrollment_id}", f"/v1/referrals?plan_id={plan['id']}",
                 f"/v1/disclosures?patient_id={patient_id}", "/v1/providers"):
        assert aftercare.get(path, headers=CLINICIAN).status_code == 200, path


def test_webhooks_answers_keep_the_spec(settings, sites):
    from services.webhooks.use_cases.transport import DeliverySettings
    from tests.integration.webhooks.conftest import ExampleOrgResolvesPublic, register, webhooks_app

    webhooks, _ = webhooks_app(settings, sites, DeliverySettings(), ExampleOrgResolvesPublic())
    webhooks = checked(webhooks, formats=True)
    endpoint = register(webhooks)
    for path in ("/v1/endpoints", f"/v1/endpoints/{endpoint['id']}", "/v1/deliveries"):
        assert webhooks.get(path, headers=CLINICIAN).status_code == 200, path
