"""Queries as the store asks them (``$eq`` spelled out, counts by aggregation) mean on the database
the tiers run against what they mean on MongoDB: a count is the number of documents its find
returns, for every kind of condition the services use (ids and codes, days, instants, ranges,
``$in``, lists, names)."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient

from shared.store import Codec, Documents

SITES = ("mpls", "stpaul")
STATUSES = ("open", "assigned", "completed")
START = datetime(2026, 11, 1, tzinfo=timezone.utc)
CODEC = Codec(instants=("starts_at",), dates=("due_date",))


@pytest.fixture(scope="module")
def documents(mongo_url):
    client = MongoClient(mongo_url, tz_aware=True)
    name = f"queries_{uuid.uuid4().hex[:8]}"
    collection = Documents(client[name]["things"], CODEC)
    for number in range(60):
        # Every seventh has no kind, as documents stored before a field was kept: grouped under None.
        kind = {} if number % 7 == 0 else {"kind": f"k{number % 4}"}
        collection.insert({"_id": f"t-{number}", "site_id": SITES[number % 2], "status": STATUSES[number % 3],
                           **kind, "tags": [f"g{number % 5}"],
                           "due_date": date(2026, 11, 1) + timedelta(days=number % 20),
                           "starts_at": START + timedelta(hours=7 * number), "name_folded": f"n{number:02d}"})
    yield collection
    client.drop_database(name)
    client.close()


DAYS = st.dates(min_value=date(2026, 10, 25), max_value=date(2026, 11, 25))
INSTANTS = st.integers(min_value=-10, max_value=450).map(lambda hours: START + timedelta(hours=hours))
CONDITIONS = st.fixed_dictionaries({}, optional={
    "site_id": st.sampled_from(SITES + ("nowhere",)),
    "status": st.one_of(st.sampled_from(STATUSES), st.lists(st.sampled_from(STATUSES), max_size=3).map(
        lambda statuses: {"$in": statuses})),
    "kind": st.sampled_from(("k0", "k1", "k3", "k9")),
    "tags": st.lists(st.sampled_from(("g0", "g2", "g7")), min_size=1, max_size=2).map(lambda tags: {"$in": tags}),
    "due_date": st.one_of(DAYS, DAYS.map(lambda day: {"$lt": day}), DAYS.map(lambda day: {"$gte": day})),
    "starts_at": st.tuples(INSTANTS, INSTANTS).map(lambda pair: {"$gte": min(pair), "$lt": max(pair)}),
    "name_folded": st.sampled_from(("n1", "n0", "n5", "x")).map(lambda prefix: {"$gte": prefix, "$lt": prefix + "\uffff"}),
})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=CONDITIONS)
def test_a_count_is_the_number_of_documents_found(documents, query):
    found = documents.find(query)
    assert documents.count(query) == len(found), query
    expected = {}
    for document in found:
        expected[document.get("kind")] = expected.get(document.get("kind"), 0) + 1
    if "starts_at" not in query:  # count_by is not for instants (the stand-in's aggregation compares them otherwise)
        assert documents.count_by(query, "kind") == expected, query


def test_found_documents_are_those_matching(documents):
    assert {d["_id"] for d in documents.find({"site_id": "mpls", "status": "open"})} == {
        f"t-{n}" for n in range(60) if n % 2 == 0 and n % 3 == 0}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=CONDITIONS, batch_size=st.integers(min_value=1, max_value=7))
def test_each_gives_the_documents_find_gives_whatever_the_batch(documents, query, batch_size):
    assert list(documents.each(query, batch_size=batch_size)) == documents.find(query)


def test_an_instant_is_lowered_only_when_higher_and_a_guarded_write_then_fails(mongo_url):
    client = MongoClient(mongo_url, tz_aware=True)
    name = f"lower_{uuid.uuid4().hex[:8]}"
    try:
        records = Documents(client[name]["records"], CODEC)
        records.insert({"_id": "r", "starts_at": START})
        read = records.find_one({"_id": "r"})
        records.lower({"_id": "r"}, "starts_at", START + timedelta(hours=1))  # higher: stays
        assert records.find_one({"_id": "r"})["starts_at"] == START
        records.lower({"_id": "r"}, "starts_at", START - timedelta(hours=1))
        lowered = records.find_one({"_id": "r"})
        assert lowered["starts_at"] == START - timedelta(hours=1)  # an aware instant, as written
        assert not records.replace_if_unchanged(read, {"starts_at": START + timedelta(days=1)})
        assert records.replace_if_unchanged(lowered, {"starts_at": START + timedelta(days=1)})
        assert records.find_one({"_id": "r"})["starts_at"] == START + timedelta(days=1)
    finally:
        client.drop_database(name)
        client.close()
