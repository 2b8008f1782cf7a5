"""The audit hash chain: records link by hash, and any edit, deletion or reordering is named by seq."""
import collections
import copy
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pymongo.errors import DuplicateKeyError, ServerSelectionTimeoutError

from shared.audit_chain import (
    COLLECTION,
    GENESIS,
    SEQ_INDEX,
    AuditUnavailable,
    ChainWriter,
    append,
    append_many,
    canonical,
    chained,
    read_chain,
    record_hash,
    to_millisecond,
    verify_chain,
)
from tests.in_memory import in_memory_db

AT = datetime(2026, 11, 26, 18, 0, 0, 123000, tzinfo=timezone.utc)


def fields(number: int = 0, **changes) -> dict:
    return {"at": AT + timedelta(seconds=number), "service": "intake", "phase": "outcome", "site_id": "mpls",
            "actor": "front-end", "role": "clinician", "on_behalf_of": None, "method": "GET",
            "path": f"/v1/patients/p-{number}", "route": "/v1/patients/<patient_id>", "status": 200,
            "request_id": f"req-{number}", "remote_addr": "10.0.0.1", **changes}


def chain(length: int) -> list[dict]:
    records: list[dict] = []
    for number in range(length):
        records.append(chained(fields(number), records[-1] if records else None))
    return records


def breaks(records) -> list[tuple[int, str]]:
    return [(brk.seq, brk.kind) for brk in verify_chain(records).breaks]


def test_the_first_record_starts_at_seq_1_from_the_genesis_hash():
    first = chained(fields(), None)
    assert (first["seq"], first["prev_hash"], first["hash"]) == (1, GENESIS, record_hash(first))


def test_each_record_links_to_the_hash_of_the_one_before():
    first, second = chain(2)
    assert (second["seq"], second["prev_hash"]) == (2, first["hash"])


def test_the_canonical_form_ignores_key_order_the_database_id_and_the_hash_itself():
    record = chained(fields(), None)
    shuffled = {"_id": "anything", **dict(reversed(list(record.items())))}
    assert canonical(shuffled) == canonical(record)
    assert b'"hash"' not in canonical(record)


def test_an_instant_hashes_the_same_in_any_zone_at_millisecond_precision():
    in_chicago = AT.astimezone(timezone(timedelta(hours=-6)))
    assert canonical({"at": in_chicago}) == canonical({"at": AT}) == b'{"at":"2026-11-26T18:00:00.123Z"}'
    assert to_millisecond(AT + timedelta(microseconds=456)) == AT


def test_an_untouched_chain_is_intact_and_names_its_head():
    records = chain(5)
    verdict = verify_chain(records)
    assert (verdict.intact, verdict.records, verdict.head_seq, verdict.head_hash) == (True, 5, 5, records[-1]["hash"])


def test_an_empty_chain_is_intact():
    verdict = verify_chain([])
    assert (verdict.intact, verdict.records) == (True, 0)


def test_an_altered_record_is_named_by_its_seq():
    records = chain(4)
    records[2]["status"] = 404
    assert breaks(records) == [(3, "altered")]


def test_a_deleted_record_is_named_by_the_missing_seq():
    records = chain(5)
    del records[1:3]
    assert breaks(records) == [(2, "deleted")]


def test_a_deleted_first_record_is_named_too():
    assert breaks(chain(3)[1:]) == [(1, "deleted")]


def test_a_record_recomputed_after_an_edit_breaks_the_link_of_the_next():
    records = chain(4)
    records[1]["status"] = 500
    records[1]["hash"] = record_hash(records[1])
    assert breaks(records) == [(3, "broken link")]


HASHED_FIELDS = sorted(set(chain(1)[0]) - {"_id"})
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                   st.datetimes(timezones=st.just(timezone.utc)).map(to_millisecond))


@given(length=st.integers(1, 8), data=st.data())
def test_any_single_altered_field_is_detected(length, data):
    records = chain(length)
    position = data.draw(st.integers(0, length - 1))
    name = data.draw(st.sampled_from(HASHED_FIELDS))
    value = data.draw(VALUES)
    assume(canonical({"v": value}) != canonical({"v": records[position][name]}))
    records[position][name] = value
    assert not verify_chain(records).intact


@given(length=st.integers(1, 8), data=st.data())
def test_any_added_or_removed_field_is_detected(length, data):
    records = chain(length)
    position = data.draw(st.integers(0, length - 1))
    if data.draw(st.booleans()):
        del records[position][data.draw(st.sampled_from(HASHED_FIELDS))]
    else:
        records[position][data.draw(st.text(min_size=1).filter(lambda key: key not in HASHED_FIELDS + ["_id"]))] = 1
    assert not verify_chain(records).intact


@given(length=st.integers(2, 8), data=st.data())
def test_any_deleted_record_but_the_newest_is_detected(length, data):
    records = chain(length)
    del records[data.draw(st.integers(0, length - 2))]
    assert not verify_chain(records).intact


@given(length=st.integers(2, 8), data=st.data())
def test_any_swapped_pair_is_detected(length, data):
    records = chain(length)
    first = data.draw(st.integers(0, length - 2))
    second = data.draw(st.integers(first + 1, length - 1))
    records[first], records[second] = records[second], records[first]
    assert not verify_chain(records).intact


@given(length=st.integers(2, 8), data=st.data())
def test_any_pair_whose_seqs_were_swapped_is_detected(length, data):
    records = chain(length)
    first = data.draw(st.integers(0, length - 2))
    second = data.draw(st.integers(first + 1, length - 1))
    records[first]["seq"], records[second]["seq"] = records[second]["seq"], records[first]["seq"]
    assert not verify_chain(sorted(records, key=lambda record: record["seq"])).intact


# Appending, on the in-memory database (mongomock: unique indexes and DuplicateKeyError as MongoDB).

@pytest.fixture
def audit_log():
    collection = in_memory_db()[COLLECTION]
    collection.create_indexes([SEQ_INDEX])
    return collection


class Contended:
    """The audit log as one writer sees it while another appends just before each of its first inserts."""

    def __init__(self, collection, rivals: int):
        self._collection, self._rivals = collection, rivals

    def find_one(self, *args, **kwargs):
        return self._collection.find_one(*args, **kwargs)

    def insert_many(self, records, ordered=True):
        if self._rivals:
            self._rivals -= 1
            append(self._collection, fields(100 + self._rivals))
        return self._collection.insert_many(records, ordered=ordered)


class Unreachable:
    def find_one(self, *args, **kwargs):
        raise ServerSelectionTimeoutError("no server")


def test_appended_records_form_an_intact_chain(audit_log):
    for number in range(3):
        append(audit_log, fields(number))
    verdict = verify_chain(read_chain(audit_log))
    assert (verdict.intact, verdict.records) == (True, 3)


def test_a_writer_that_loses_the_race_for_a_seq_rereads_the_head_and_chains_after_it(audit_log):
    append(audit_log, fields(0))
    record = append(Contended(audit_log, rivals=2), fields(1))
    assert record["seq"] == 4
    assert verify_chain(read_chain(audit_log)).intact


def test_a_writer_gives_up_after_its_bounded_attempts(audit_log):
    with pytest.raises(AuditUnavailable, match="3 times"):
        append(Contended(audit_log, rivals=10), fields(1), attempts=3)
    assert verify_chain(read_chain(audit_log)).intact


def test_a_database_error_is_reported_as_audit_unavailable():
    with pytest.raises(AuditUnavailable, match="ServerSelectionTimeoutError"):
        append(Unreachable(), fields())


def test_the_unique_index_refuses_a_second_record_with_the_same_seq(audit_log):
    record = append(audit_log, fields())
    duplicate = copy.deepcopy(record)
    duplicate.pop("_id")
    with pytest.raises(DuplicateKeyError):
        audit_log.insert_one(duplicate)


def test_a_group_is_chained_in_order_with_one_head_read_and_one_insert(audit_log):
    append(audit_log, fields(0))
    counted = Counted(audit_log)
    records = append_many(counted, [fields(number) for number in range(1, 6)])
    assert [record["seq"] for record in records] == [2, 3, 4, 5, 6]
    assert (counted.calls["find_one"], counted.calls["insert_many"]) == (1, 1)
    assert verify_chain(read_chain(audit_log)).intact


def test_a_group_that_clashes_with_another_writer_is_chained_after_it(audit_log):
    append(audit_log, fields(0))
    records = append_many(Contended(audit_log, rivals=1), [fields(number) for number in range(1, 4)])
    assert [record["seq"] for record in records] == [3, 4, 5]
    verdict = verify_chain(read_chain(audit_log))
    assert (verdict.intact, verdict.records) == (True, 5)


def test_concurrent_appends_of_one_process_are_committed_in_groups_each_durable_before_it_returns(audit_log):
    slow = Counted(audit_log, delay=0.01)
    writer = ChainWriter(slow)
    returned = []

    def request(number):
        record = writer.append(fields(number))
        # Durable before the caller goes on: its record is in the collection when append returns.
        returned.append(audit_log.find_one({"seq": record["seq"]}) is not None)

    threads = [threading.Thread(target=request, args=(number,)) for number in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify_chain(read_chain(audit_log))
    assert (verdict.intact, verdict.records, all(returned), len(returned)) == (True, 40, True, 40)
    assert slow.calls["insert_many"] < 40


def test_a_group_whose_write_fails_fails_every_caller_in_it():
    writer = ChainWriter(Unreachable())
    with pytest.raises(AuditUnavailable):
        writer.append(fields())


class Counted:
    """The audit log, counting the calls made to it, each insert slowed by ``delay`` seconds."""

    def __init__(self, collection, delay: float = 0):
        self._collection, self._delay = collection, delay
        self.calls = collections.Counter()

    def find_one(self, *args, **kwargs):
        self.calls["find_one"] += 1
        return self._collection.find_one(*args, **kwargs)

    def insert_many(self, records, ordered=True):
        self.calls["insert_many"] += 1
        time.sleep(self._delay)
        return self._collection.insert_many(records, ordered=ordered)
