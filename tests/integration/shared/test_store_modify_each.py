"""``Documents.modify_each`` on the database the tiers run against: several documents read in one
round trip, each changed as ``modify`` would, and one written by someone else meanwhile modified
again on its own."""
import uuid
from collections import Counter

import pytest
from pymongo import MongoClient, monitoring

from shared.cause import Cause
from shared.events import DomainEvent
from shared.store import Documents


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.sent = Counter()

    def started(self, event):
        if event.command_name not in ("endSessions", "hello", "isMaster", "ping"):
            self.sent[event.command_name] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture
def things(mongo_url):
    commands = Commands()
    client = MongoClient(mongo_url, tz_aware=True, event_listeners=[commands])
    name = f"modify_each_{uuid.uuid4().hex[:8]}"
    published = []
    documents = Documents(client[name]["things"], publish_after_commit=lambda collection, outboxes: published.append(outboxes))
    for key in ("a", "b", "c"):
        documents.insert({"_id": key, "site_id": "mpls", "n": 0})
    documents.insert({"_id": "elsewhere", "site_id": "stpaul", "n": 0})
    commands.sent.clear()
    yield documents, commands.sent, published
    client.drop_database(name)
    client.close()


def increment(document):
    return {"n": document["n"] + 1}, []


def test_the_documents_are_read_in_one_round_trip_and_only_the_changed_are_written(things):
    documents, sent, _ = things
    documents.modify_each({"site_id": "mpls"}, {"a": increment, "b": lambda document: None, "missing": increment,
                                                "elsewhere": increment})
    assert sent == {"find": 1, "update": 1}
    stored = {document["_id"]: document["n"] for document in documents.find({})}
    assert stored == {"a": 1, "b": 0, "c": 0, "elsewhere": 0}, "only a, of the site's, was changed; nothing was made"


def test_a_document_written_since_it_was_read_is_modified_again_from_what_is_there(things):
    documents, sent, _ = things
    calls = []

    def increment_while_another_writes(document):
        calls.append(document["n"])
        if len(calls) == 1:  # someone else writes between this read and its guarded write
            documents.modify({"_id": "a"}, lambda current: ({"n": current["n"] + 10, "other": True}, []))
        return increment(document)

    documents.modify_each({"site_id": "mpls"}, {"a": increment_while_another_writes, "b": increment})
    assert calls == [0, 10]
    assert documents.find_one({"_id": "a"})["n"] == 11 and documents.find_one({"_id": "a"})["other"] is True
    assert documents.find_one({"_id": "b"})["n"] == 1


def test_the_events_of_a_change_are_in_its_write_and_published_after_it(things):
    documents, _, published = things
    cause = Cause(site_id="mpls", correlation_id="c-1")
    event = DomainEvent("aftercare.task.completed", 1, {"task_id": "a"})
    documents.modify_each({"site_id": "mpls"}, {"a": lambda document: ({"n": 1}, [event])}, cause)
    [outboxes] = published
    [envelope] = outboxes["a"].values()
    assert (envelope["event_type"], envelope["payload"]) == ("aftercare.task.completed", {"task_id": "a"})


def test_no_changes_ask_the_database_nothing(things):
    documents, sent, _ = things
    documents.modify_each({"site_id": "mpls"}, {})
    assert sent == {}
