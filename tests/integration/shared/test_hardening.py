"""What every API refuses before a view runs, and the headers every answer carries (issue 14).

Driven through a small service built by the same app factory as every real one, so that these
properties are tested once, for all of them."""
import hashlib
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from shared.context import ServiceContext
from shared.http.current import store
from shared.http.idempotency import COLLECTION as IDEMPOTENCY_KEYS
from shared.http.idempotency import purge_expired
from shared.http.pagination import page_of
from shared.http.service_app import create_service_app
from shared.store import Codec, Store
from tests.conftest import CLINICIAN

PATIENT = {"mrn": "H-1", "given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-04-01"}


class ProbeStore(Store):
    COLLECTIONS = {"patients": Codec(dates=("birth_date",))}


class PatientIn(Schema):
    mrn = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    birth_date = fields.Date(required=True)


class PatientOut(PatientIn):
    id = fields.String(attribute="_id")


class PatientQuery(Schema):
    mrn = fields.String()


blp = Blueprint("patients", __name__, url_prefix="/v1/patients")


@blp.route("", methods=["POST"])
@blp.arguments(PatientIn)
@blp.response(201, PatientOut)
def register(patient):
    return store().patients.insert({"_id": str(uuid.uuid4()), "site_id": "mpls", **patient})


@blp.route("", methods=["GET"])
@blp.arguments(PatientQuery, location="query")
@blp.response(200, PatientOut(many=True))
@blp.paginate()
def list_patients(query, pagination_parameters):
    return page_of(store().patients, {"site_id": "mpls", **query}, [("_id", 1)], pagination_parameters)


@pytest.fixture
def context(settings, sites):
    return ServiceContext("probe", store=ProbeStore, settings=settings, sites=sites)


@pytest.fixture
def intake(context):
    return create_service_app(context, "probe", "A service for tests.", [blp], {"TESTING": True}).test_client()


def post_raw(client, path: str, raw: bytes, headers=None):
    return client.post(path, data=raw, content_type="application/json", headers={**CLINICIAN, **(headers or {})})


def test_a_body_over_the_size_limit_is_413_problem_json(intake):
    answer = post_raw(intake, "/v1/patients", b'{"mrn": "' + b"x" * (1024 * 1024 + 1) + b'"}')
    assert (answer.status_code, answer.content_type) == (413, "application/problem+json")


def test_json_nested_ten_thousand_deep_is_a_400_not_a_crash(intake):
    answer = post_raw(intake, "/v1/patients", b"[" * 10_000 + b"]" * 10_000)
    assert (answer.status_code, answer.content_type) == (400, "application/problem+json")


def test_an_integer_of_4300_digits_is_a_400(intake):
    answer = post_raw(intake, "/v1/patients", b'{"mrn": ' + b"9" * 4301 + b"}")
    assert answer.status_code == 400


@pytest.mark.parametrize("field, value", [("given_name", "Ada\u0000"), ("family_name", "Love\u001blace"),
                                          ("mrn", "\ud800")])
def test_control_characters_and_lone_surrogates_are_refused_by_field_and_nothing_is_stored(intake, field, value):
    body = json.dumps({**PATIENT, field: value}).encode()
    answer = post_raw(intake, "/v1/patients", body)
    assert answer.status_code == 422 and field in answer.json["errors"]
    assert intake.get("/v1/patients", headers=CLINICIAN).json == []


def test_an_integer_beyond_what_json_clients_hold_exactly_is_refused(intake):
    answer = intake.post("/v1/patients", json={**PATIENT, "mrn": 2 ** 60}, headers=CLINICIAN)
    assert answer.status_code == 422 and "mrn" in answer.json["errors"]


def test_a_control_character_in_a_query_string_is_refused(intake):
    answer = intake.get("/v1/patients?mrn=a%00b", headers=CLINICIAN)
    assert answer.status_code == 422 and "mrn" in answer.json["errors"]


def test_a_page_number_past_any_integer_the_database_takes_is_an_empty_page(intake):
    answer = intake.get("/v1/patients?page=10000000000000000000000", headers=CLINICIAN)
    assert (answer.status_code, answer.json) == (200, [])


def test_a_wrong_method_is_405_problem_json_with_allow(intake):
    answer = intake.delete("/v1/patients", headers=CLINICIAN)
    assert (answer.status_code, answer.content_type) == (405, "application/problem+json")
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_patient_data_is_never_cached_and_never_sniffed(intake):
    answer = intake.get("/v1/patients", headers=CLINICIAN)
    assert "no-store" in answer.headers["Cache-Control"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]


def test_the_docs_page_loads_only_its_own_assets_which_the_service_serves(intake):
    page = intake.get("/docs")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline';" in policy and "http" not in policy
    assert 'src="docs/assets/swagger-ui-bundle.js"' in page.get_data(as_text=True)
    bundle = intake.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.data) > 100_000


def test_a_body_that_is_not_json_is_415(intake):
    answer = intake.post("/v1/patients", data="mrn=H-1", content_type="application/x-www-form-urlencoded",
                         headers=CLINICIAN)
    assert (answer.status_code, answer.content_type) == (415, "application/problem+json")


def test_malformed_json_is_a_400_that_says_so(intake):
    answer = post_raw(intake, "/v1/patients", b'{"mrn": ')
    assert answer.status_code == 400 and "not valid JSON" in answer.json["detail"]


def test_an_unknown_query_parameter_is_a_400_naming_it_rather_than_a_filter_ignored(intake):
    answer = intake.get("/v1/patients?family_name=Lovelace&mrn=H-1", headers=CLINICIAN)
    assert (answer.status_code, answer.json["errors"]) == (400, {"family_name": ["Unknown query parameter."]})
    assert intake.get("/v1/patients?mrn=H-1&page=1&page_size=5", headers=CLINICIAN).status_code == 200


def test_an_address_that_keeps_guessing_keys_is_refused_even_with_a_right_key(intake):
    answers = [intake.get("/v1/patients", headers={"Authorization": f"Bearer guess-{n}"}).status_code for n in range(21)]
    assert answers[:20] == [401] * 20 and answers[20] == 429
    refused = intake.get("/v1/patients", headers=CLINICIAN)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"


def test_an_idempotency_key_whose_request_died_is_usable_again_after_its_lease(intake, context):
    stale = datetime.now(timezone.utc) - timedelta(minutes=2)
    context.db[IDEMPOTENCY_KEYS].insert_one({"_id": "mpls:died", "state": "in_progress", "fingerprint": "whatever",
                                             "created_at": stale})
    answer = intake.post("/v1/patients", json=PATIENT, headers={**CLINICIAN, "Idempotency-Key": "died"})
    assert answer.status_code == 201
    replay = intake.post("/v1/patients", json=PATIENT, headers={**CLINICIAN, "Idempotency-Key": "died"})
    assert (replay.status_code, replay.headers.get("Idempotent-Replayed")) == (201, "true")
    assert replay.json["id"] == answer.json["id"]


def test_an_idempotency_key_still_within_its_lease_is_409_and_nothing_runs(intake, context):
    body = json.dumps(PATIENT).encode()
    fingerprint = hashlib.sha256(b"POST /v1/patients\n" + body).hexdigest()
    context.db[IDEMPOTENCY_KEYS].insert_one({"_id": "mpls:running", "state": "in_progress", "fingerprint": fingerprint,
                                             "created_at": datetime.now(timezone.utc)})
    answer = post_raw(intake, "/v1/patients", body, headers={"Idempotency-Key": "running"})
    assert answer.status_code == 409
    assert intake.get("/v1/patients", headers=CLINICIAN).json == []


def test_expired_idempotency_keys_are_purged_where_no_ttl_index_runs(context):
    old = datetime.now(timezone.utc) - timedelta(days=2)
    context.db[IDEMPOTENCY_KEYS].insert_one({"_id": "mpls:old", "state": "completed", "created_at": old, "fingerprint": "f"})
    context.db[IDEMPOTENCY_KEYS].insert_one({"_id": "mpls:new", "state": "completed", "created_at": datetime.now(timezone.utc),
                                             "fingerprint": "f"})
    assert purge_expired(context.db) == 1
    assert [record["_id"] for record in context.db[IDEMPOTENCY_KEYS].find()] == ["mpls:new"]
