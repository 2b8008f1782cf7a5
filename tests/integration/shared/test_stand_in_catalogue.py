"""Collections and indexes made and dropped while a client keeps using them are seen at once, on
the database the tiers run against (on the stand-in, its remembered catalogue lookups must follow
every change: shared/embedded/mongo_server.py)."""
import uuid

import pytest
from pymongo import MongoClient


@pytest.fixture
def db(mongo_url):
    client, other = MongoClient(mongo_url), MongoClient(mongo_url)
    name = f"catalogue_{uuid.uuid4().hex[:8]}"
    yield client[name], other[name]
    client.drop_database(name)
    client.close()
    other.close()


def test_a_collection_made_dropped_and_made_again_answers_what_it_holds(db):
    mine, others = db
    assert mine["plans"].find_one({"_id": "a"}) is None
    others["plans"].insert_one({"_id": "a", "site_id": "mpls"})
    assert mine["plans"].find_one({"_id": "a"}) == {"_id": "a", "site_id": "mpls"}
    assert "plans" in mine.list_collection_names()
    others["plans"].drop()
    assert mine["plans"].find_one({"_id": "a"}) is None
    assert "plans" not in mine.list_collection_names()
    mine["plans"].insert_one({"_id": "b", "site_id": "stpaul"})
    assert [document["_id"] for document in others["plans"].find({})] == ["b"]


def test_queries_answer_the_same_before_and_after_an_index_is_made_and_dropped(db):
    mine, others = db
    mine["tasks"].insert_many([{"_id": str(number), "site_id": "mpls", "status": "open" if number % 2 else "done"}
                               for number in range(10)])

    def open_ones():
        return sorted(document["_id"] for document in mine["tasks"].find({"site_id": "mpls", "status": "open"}))

    def index_on_status():  # by its keys: the stand-in names an index itself
        return next((name for name, index in mine["tasks"].index_information().items()
                     if index["key"] == [("status", 1)]), None)

    before = open_ones()
    others["tasks"].create_index([("status", 1)])
    assert open_ones() == before
    assert index_on_status() is not None
    others["tasks"].drop_index(index_on_status())
    assert open_ones() == before == ["1", "3", "5", "7", "9"]
    assert index_on_status() is None
