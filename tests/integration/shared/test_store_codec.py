"""Type-faithful storage (issue 14): every typed path of every collection of every service reads back
with its type, on the database the tiers run against (the embedded stand-in here), whether it was
written by insert, by the store's read-modify-write, or by a raw ``$set`` (as an older release or
an operator might have left it: the stand-in returns such instants as naive strings and booleans
as 1/0)."""
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient

from shared.store import Codec, Documents
from system import services

INSTANTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30),
                        timezones=st.just(timezone.utc)).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))

COLLECTIONS = [(service, name, codec)
               for service in services.SERVICES
               for name, codec in services.bootstrap(service).store_class.COLLECTIONS.items()]


def typed_paths(codec: Codec) -> list[tuple[list[str], str]]:
    return ([(path.split("."), "instant") for path in codec.instants] + [(path.split("."), "date") for path in codec.dates]
            + [(path.split("."), "boolean") for path in codec.booleans])


@st.composite
def documents(draw, codec: Codec) -> dict:
    """A document holding a value of the declared type at every declared path; ``*`` becomes a
    list (or, drawn, a map) of one or two items. The same prefix is always the same container."""
    shapes: dict[tuple, str] = {}
    document: dict = {"_id": "doc-1", "site_id": "mpls"}
    for parts, kind in typed_paths(codec):
        value = {"instant": INSTANTS, "date": DATES, "boolean": st.booleans()}[kind]
        _place(draw, document, parts, value, shapes, ())
    return document


def _place(draw, node, parts, value, shapes, prefix):
    head, rest = parts[0], parts[1:]
    here = f"{prefix}.{head}"
    if head == "*" and isinstance(node, list):
        node.extend([None] * (2 - len(node)))
        keys = [0, 1]
    else:
        keys = ["k0", "k1"] if head == "*" else [head]
    for key in keys:
        if not rest:
            node[key] = draw(value)
            continue
        child = node[key] if isinstance(node, list) else node.get(key)
        if child is None:
            wildcard_next = rest[0] == "*"
            child = [] if wildcard_next and shapes.setdefault(here, draw(st.sampled_from(["list", "map"]))) == "list" else {}
            node[key] = child
        _place(draw, child, rest, value, shapes, here)


def assert_types(document: dict, codec: Codec) -> None:
    for parts, kind in typed_paths(codec):
        for value in _values_at(document, parts):
            if kind == "instant":
                assert isinstance(value, datetime) and value.tzinfo is not None, (parts, value)
            elif kind == "date":
                assert type(value) is date, (parts, value)
            else:
                assert type(value) is bool, (parts, value)


def _values_at(node, parts):
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
    else:
        children = [node[head]] if isinstance(node, dict) and head in node else []
    for child in children:
        if rest:
            yield from _values_at(child, rest)
        elif child is not None:
            yield child


@pytest.fixture(scope="module")
def database(mongo_url):
    client = MongoClient(mongo_url, tz_aware=True)
    yield client["codec_round_trip"]
    client.drop_database("codec_round_trip")


@pytest.mark.parametrize("service, name, codec", COLLECTIONS, ids=[f"{s}.{n}" for s, n, _ in COLLECTIONS])
def test_every_typed_path_reads_back_with_its_type_after_insert_modify_and_raw_set(database, service, name, codec):
    collection = database[f"{service}_{name}"]

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(documents(codec))
    def round_trip(document):
        collection.delete_many({})
        documents_ = Documents(collection, codec)
        documents_.insert(document)
        assert_types(documents_.find_one({"_id": "doc-1"}), codec)
        documents_.modify({"_id": "doc-1"}, lambda current: ({key: value for key, value in document.items()
                                                              if key not in ("_id",)}, []))
        assert_types(documents_.find_one({"_id": "doc-1"}), codec)
        stored = collection.find_one({"_id": "doc-1"})
        raw_set = {key: value for key, value in stored.items() if key not in ("_id", "outbox")}
        collection.update_one({"_id": "doc-1"}, {"$set": raw_set})
        read = documents_.find_one({"_id": "doc-1"})
        assert_types(read, codec)
        assert {key: read[key] for key in document} == document

    if not typed_paths(codec):
        pytest.skip(f"{service}.{name} stores no instant, date or boolean")
    round_trip()
