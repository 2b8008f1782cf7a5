"""The audit trail on the database server: every call and failed authentication in a hash chain,
and a call whose record cannot be written fails."""
import logging
import threading

import pytest
from pymongo.collection import Collection
from pymongo.errors import ServerSelectionTimeoutError

from services.intake.store import PATIENTS
from shared.audit_chain import COLLECTION, GENESIS, append, read_chain, to_millisecond, verify_chain
from shared.database import service_database
from shared.http.audit import record_failed_authentication
from system import audit as audit_command
from system.services import SERVICES
from tests.conftest import CLINICIAN, OPERATOR, api_client

ALEX = {"mrn": "MRN-4711", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}
WRONG_KEY = {"Authorization": "Bearer wrong-key-sesame"}


@pytest.fixture
def intake(settings, sites):
    return api_client("intake", settings, sites)


@pytest.fixture
def db(intake):
    return intake.application.extensions["iop"].db


@pytest.fixture
def audit_log(db):
    return db[COLLECTION]


def records(audit_log) -> list[dict]:
    return list(read_chain(audit_log))


class RefusedAuditWrites:
    """Makes the database refuse audit records of the given phases, as a database that is down would."""

    def __init__(self, monkeypatch):
        self.phases: set[str] = set()
        original = Collection.insert_many

        def insert_many(collection, documents, *args, **kwargs):
            documents = list(documents)
            if collection.name == COLLECTION and any(document.get("phase") in self.phases for document in documents):
                raise ServerSelectionTimeoutError("audit database unreachable")
            return original(collection, documents, *args, **kwargs)

        monkeypatch.setattr(Collection, "insert_many", insert_many)


@pytest.fixture
def refused(monkeypatch):
    return RefusedAuditWrites(monkeypatch)


def test_a_read_is_recorded_once_with_who_which_site_what_and_the_outcome(intake, audit_log, pinned_clock):
    answer = intake.get("/v1/patients?mrn=MRN-4711", headers={**CLINICIAN, "X-Request-ID": "req-read-1"})
    assert answer.status_code == 200
    [record] = records(audit_log)
    assert {key: record[key] for key in ("seq", "prev_hash", "phase", "service", "site_id", "role", "method", "path",
                                         "route", "status", "request_id", "at")} == {
        "seq": 1, "prev_hash": GENESIS, "phase": "outcome", "service": "intake", "site_id": "mpls",
        "role": "clinician", "method": "GET", "path": "/v1/patients", "route": "/v1/patients", "status": 200,
        "request_id": "req-read-1", "at": to_millisecond(pinned_clock)}
    assert record["actor"] and record["on_behalf_of"] is None


def test_the_query_string_is_never_recorded(intake, audit_log):
    intake.get("/v1/patients?mrn=MRN-4711&name=Riv", headers=CLINICIAN)
    assert "MRN-4711" not in str(records(audit_log)) and "Riv" not in str(records(audit_log))


def test_a_write_is_recorded_before_the_view_runs_and_with_its_outcome_after(intake, audit_log):
    answer = intake.post("/v1/patients", json=ALEX, headers={**CLINICIAN, "X-Request-ID": "req-write-1"})
    assert answer.status_code == 201
    attempt, outcome = records(audit_log)
    assert [(r["seq"], r["phase"], r["method"], r["status"], r["request_id"]) for r in (attempt, outcome)] == [
        (1, "attempt", "POST", None, "req-write-1"), (2, "outcome", "POST", 201, "req-write-1")]
    assert outcome["prev_hash"] == attempt["hash"]


def test_no_body_is_recorded(intake, audit_log):
    intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    assert "Rivera" not in str(records(audit_log)) and "MRN-4711" not in str(records(audit_log))


def test_a_failed_authentication_is_recorded_without_principal_and_without_the_key(intake, audit_log, caplog):
    with caplog.at_level(logging.INFO):
        answer = intake.get("/v1/patients/p-1?mrn=MRN-4711", headers={**WRONG_KEY, "X-Request-ID": "req-bad-key"})
    assert answer.status_code == 401
    [record] = records(audit_log)
    assert {key: record[key] for key in ("site_id", "actor", "role", "on_behalf_of", "method", "path", "route",
                                         "status", "request_id", "remote_addr")} == {
        "site_id": None, "actor": None, "role": None, "on_behalf_of": None, "method": "GET", "path": "/v1/patients/p-1",
        "route": "/v1/patients/<patient_id>", "status": 401, "request_id": "req-bad-key", "remote_addr": "127.0.0.1"}
    for fragment in ("wrong", "sesame", "Bearer", "MRN-4711"):
        assert fragment not in str(record) and fragment not in caplog.text


def test_a_request_without_any_key_is_recorded_as_a_failed_authentication(intake, audit_log):
    assert intake.post("/v1/patients", json=ALEX).status_code == 401
    assert [(r["phase"], r["status"], r["actor"]) for r in records(audit_log)] == [("outcome", 401, None)]


def test_an_operator_key_refused_at_a_site_endpoint_is_recorded_as_the_operator(intake, audit_log):
    assert intake.get("/v1/patients", headers=OPERATOR).status_code == 403
    assert [(r["role"], r["site_id"], r["status"]) for r in records(audit_log)] == [("operator", None, 403)]


def test_health_checks_are_not_recorded(intake, audit_log):
    assert intake.get("/healthz").status_code == 200
    assert records(audit_log) == []


def test_the_person_behind_the_key_is_recorded_as_on_behalf_of_and_kept_out_of_the_log(intake, audit_log, caplog):
    with caplog.at_level(logging.INFO):
        answer = intake.post("/v1/patients", json=ALEX, headers={**CLINICIAN, "X-Actor": "staff-00417"})
    assert answer.status_code == 201
    assert [r["on_behalf_of"] for r in records(audit_log)] == ["staff-00417", "staff-00417"]
    assert "staff-00417" not in caplog.text


@pytest.mark.parametrize("actor", ["", "x" * 65, "staff\t417", "staff\x7f417"])
def test_an_unacceptable_x_actor_is_400_and_nothing_is_done(intake, db, audit_log, actor):
    answer = intake.post("/v1/patients", json=ALEX, headers={**CLINICIAN, "X-Actor": actor})
    assert (answer.status_code, answer.content_type) == (400, "application/problem+json")
    assert db[PATIENTS].count_documents({}) == 0
    assert [(r["phase"], r["status"], r["on_behalf_of"]) for r in records(audit_log)] == [("outcome", 400, None)]


def test_many_writers_at_once_build_one_unbroken_chain(intake, audit_log):
    intake.get("/v1/patients", headers=CLINICIAN)  # the app ensures the audit indexes
    writers, each = 6, 8
    failures: list[BaseException] = []

    def write(number):
        try:
            for item in range(each):
                append(audit_log, {"phase": "outcome", "request_id": f"w{number}-{item}", "status": 200})
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    verdict = verify_chain(read_chain(audit_log))
    assert (verdict.intact, verdict.records, verdict.head_seq) == (True, 1 + writers * each, 1 + writers * each)


def test_records_from_before_the_chain_are_left_out_of_it(settings, sites):
    legacy = service_database(settings, "intake")[COLLECTION]
    legacy.insert_many([{"actor": "front-end", "status": 200}, {"actor": "front-end", "status": 201}])
    client = api_client("intake", settings, sites)
    assert client.get("/v1/patients", headers=CLINICIAN).status_code == 200
    verdict = verify_chain(read_chain(legacy))
    assert (verdict.intact, verdict.records) == (True, 1)


# When the audit record cannot be written

def test_a_read_whose_record_cannot_be_written_is_503_and_discloses_nothing(intake, refused):
    intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    refused.phases = {"outcome"}
    answer = intake.get("/v1/patients", headers=CLINICIAN)
    assert (answer.status_code, answer.content_type) == (503, "application/problem+json")
    assert answer.json["title"] == "Service unavailable" and "Rivera" not in answer.get_data(as_text=True)


def test_a_write_whose_attempt_cannot_be_recorded_is_503_and_changes_nothing(intake, db, refused):
    refused.phases = {"attempt", "outcome"}
    answer = intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    assert (answer.status_code, answer.content_type) == (503, "application/problem+json")
    assert db[PATIENTS].count_documents({}) == 0


def test_a_write_whose_outcome_cannot_be_recorded_is_503_and_its_attempt_is_on_record(intake, db, audit_log, refused):
    refused.phases = {"outcome"}
    answer = intake.post("/v1/patients", json=ALEX, headers={**CLINICIAN, "X-Request-ID": "req-lost-outcome"})
    assert (answer.status_code, answer.content_type) == (503, "application/problem+json")
    assert "Idempotency-Key" in answer.json["detail"]
    assert [(r["phase"], r["request_id"]) for r in records(audit_log)] == [("attempt", "req-lost-outcome")]
    assert db[PATIENTS].count_documents({}) == 1


def test_a_write_whose_outcome_was_lost_is_replayed_by_its_idempotency_key(intake, db, refused):
    headers = {**CLINICIAN, "Idempotency-Key": "register-alex"}
    refused.phases = {"outcome"}
    assert intake.post("/v1/patients", json=ALEX, headers=headers).status_code == 503
    refused.phases = set()
    again = intake.post("/v1/patients", json=ALEX, headers=headers)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert db[PATIENTS].count_documents({}) == 1


def test_a_failed_authentication_that_cannot_be_recorded_is_503(intake, refused):
    refused.phases = {"outcome"}
    assert intake.get("/v1/patients", headers=WRONG_KEY).status_code == 503


# The verify command

@pytest.fixture
def verify(settings, monkeypatch, capsys):
    monkeypatch.setenv("IOP_MONGO_URL", settings.mongo_url)
    monkeypatch.setenv("IOP_BROKER_NAMESPACE", settings.broker_namespace)

    def run(*arguments):
        code = audit_command.main(["verify", *arguments])
        return code, capsys.readouterr().out

    return run


def three_calls(intake):
    intake.post("/v1/patients", json=ALEX, headers=CLINICIAN)
    intake.get("/v1/patients", headers=CLINICIAN)


def test_verify_reports_an_intact_chain_with_its_count(intake, verify):
    three_calls(intake)
    code, out = verify("--service", "intake")
    assert code == 0 and "intake: 3 records, chain intact" in out


def test_verify_checks_every_service_by_default(intake, verify):
    three_calls(intake)
    code, out = verify()
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines()] == list(SERVICES)
    assert "scheduling: 0 records, chain intact" in out


def test_verify_names_an_altered_record(intake, audit_log, verify):
    three_calls(intake)
    audit_log.update_one({"seq": 2}, {"$set": {"status": 200}})
    code, out = verify("--service", "intake")
    assert code == 1 and "seq 2: altered" in out


def test_verify_names_a_deleted_record(intake, audit_log, verify):
    three_calls(intake)
    audit_log.delete_one({"seq": 2})
    code, out = verify("--service", "intake")
    assert code == 1 and "seq 2: deleted" in out


def test_verify_names_a_broken_link(intake, audit_log, verify):
    three_calls(intake)
    audit_log.update_one({"seq": 3}, {"$set": {"prev_hash": GENESIS}})
    code, out = verify("--service", "intake")
    assert code == 1 and "seq 3: broken link" in out


def test_a_failed_authentication_reported_by_authentication_itself_is_recorded_once(intake, audit_log):
    with intake.application.test_request_context("/v1/patients", headers=WRONG_KEY):
        record_failed_authentication()  # as authentication's on_failure hook calls it
        record_failed_authentication()  # and the after-request hook after the 401
    assert [(r["status"], r["actor"], r["route"]) for r in records(audit_log)] == [(401, None, "/v1/patients")]
