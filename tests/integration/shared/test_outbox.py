"""The outbox on the database server: a change and its events in one write, guarded by version."""
import pytest

from shared.cause import Cause
from shared.events.intake import patient_registered
from shared.outbox import OutboxRelay, publish_entries
from shared.store import UNSET, Codec, ConcurrentUpdate, Documents

CAUSE = Cause("mpls", "req-1")


@pytest.fixture
def aggregates(settings, sites):
    from pymongo import MongoClient

    return Documents(MongoClient(settings.mongo_url, tz_aware=True)[f"{settings.broker_namespace}_outbox"]["aggregates"],
                     Codec())


def registered(patient_id="p-1"):
    return patient_registered(patient_id=patient_id)


def test_a_change_and_its_events_are_written_together_with_the_cause_stamped(aggregates):
    aggregates.insert({"_id": "a", "status": "active"})
    aggregates.modify({"_id": "a", "status": "active"}, lambda document: ({"status": "done"}, [registered()]), CAUSE)
    stored = aggregates.raw.find_one({"_id": "a"})
    [envelope] = stored["outbox"].values()
    assert (stored["status"], stored["outbox_pending"]) == ("done", 1)
    assert (envelope["site_id"], envelope["correlation_id"], envelope["producer"]) == ("mpls", "req-1", "intake")


def test_a_change_to_a_document_no_longer_in_the_state_asked_changes_nothing(aggregates):
    aggregates.insert({"_id": "a", "status": "done"})
    assert aggregates.modify({"_id": "a", "status": "active"}, lambda document: ({"status": "x"}, [registered()]),
                             CAUSE) is None
    assert aggregates.raw.find_one({"_id": "a"})["outbox_pending"] == 0


def test_an_unset_change_removes_the_field_in_the_same_write(aggregates):
    aggregates.insert({"_id": "a", "slot": "p:mh"})
    aggregates.modify({"_id": "a"}, lambda document: ({"slot": UNSET, "status": "done"}, []))
    assert "slot" not in aggregates.raw.find_one({"_id": "a"})


def test_modify_gives_up_with_a_conflict_when_the_document_keeps_changing(aggregates):
    aggregates.insert({"_id": "a", "n": 0})

    def change_meanwhile(document):
        aggregates.raw.update_one({"_id": "a"}, {"$inc": {"version": 1}})
        return {"n": document["n"] + 1}, []

    with pytest.raises(ConcurrentUpdate):
        aggregates.modify({"_id": "a"}, change_meanwhile, attempts=3)


def test_an_entry_the_relay_removed_meanwhile_is_not_written_back_by_a_change(aggregates):
    aggregates.insert({"_id": "a", "n": 0}, [registered()], CAUSE)
    relay = OutboxRelay(aggregates.raw.database, [aggregates.name], publish=lambda event: None)
    relayed = []

    def change_while_the_relay_runs(document):
        if not relayed:
            relayed.append(relay.relay_pending())
        return {"n": document["n"] + 1}, []

    aggregates.modify({"_id": "a"}, change_while_the_relay_runs)
    stored = aggregates.raw.find_one({"_id": "a"})
    assert (relayed, stored["n"], stored["outbox"], stored["outbox_pending"]) == ([1], 1, {}, 0)


def test_the_relay_clears_a_batch_of_documents_in_one_update_and_records_them_in_one_insert(aggregates):
    for name in "abc":
        aggregates.insert({"_id": name}, [registered(name), registered(name)], CAUSE)
    told = []
    sent = []
    relay = OutboxRelay(aggregates.raw.database, [aggregates.name], publish=sent.append, on_published=told.append)
    assert relay.relay_pending() == 6
    assert [len(batch) for batch in told] == [6]
    assert sorted(event["event_id"] for event in sent) == sorted(event["event_id"] for event in told[0])
    for stored in aggregates.raw.find({}):
        assert (stored["outbox"], stored["outbox_pending"], stored["version"]) == ({}, 0, 2)


def test_a_publish_that_fails_midway_removes_what_was_confirmed_and_leaves_the_rest(aggregates):
    aggregates.insert({"_id": "a"}, [registered("a"), registered("a")], CAUSE)
    aggregates.insert({"_id": "b"}, [registered("b")], CAUSE)
    sent = []

    def fail_on_the_third(event):
        if len(sent) == 2:
            raise ConnectionError("broker gone")
        sent.append(event)

    with pytest.raises(ConnectionError):
        publish_entries(aggregates.raw, {stored["_id"]: stored["outbox"] for stored in aggregates.raw.find({})},
                        fail_on_the_third)
    left = {stored["_id"]: stored for stored in aggregates.raw.find({})}
    assert sum(stored["outbox_pending"] for stored in left.values()) == 1
    assert all(stored["outbox_pending"] == len(stored["outbox"]) for stored in left.values())
    [unsent] = [event for stored in left.values() for event in stored["outbox"].values()]
    assert unsent["event_id"] not in {event["event_id"] for event in sent}


def test_entries_the_other_path_removed_meanwhile_are_counted_down_once(aggregates):
    aggregates.insert({"_id": "a"}, [registered("a"), registered("a")], CAUSE)
    stored = aggregates.raw.find_one({"_id": "a"})
    first_id = sorted(stored["outbox"].values(), key=lambda event: event["occurred_at"])[0]["event_id"]

    def the_relay_took_the_first_meanwhile(event):
        if event["event_id"] == first_id:
            publish_entries(aggregates.raw, {"a": {first_id: event}}, lambda again: None)

    publish_entries(aggregates.raw, {"a": stored["outbox"]}, the_relay_took_the_first_meanwhile)
    after = aggregates.raw.find_one({"_id": "a"})
    assert (after["outbox"], after["outbox_pending"]) == ({}, 0)


def test_insert_many_once_skips_the_documents_already_there_and_announces_only_the_new(aggregates):
    aggregates.insert({"_id": "b", "n": 0}, [registered("b")], CAUSE)
    inserted = aggregates.insert_many_once([({"_id": name, "n": 1}, [registered(name)]) for name in "abc"], CAUSE)
    assert sorted(inserted) == ["a", "c"]
    assert {stored["_id"]: (stored["n"], stored["outbox_pending"]) for stored in aggregates.raw.find({})} == {
        "a": (1, 1), "b": (0, 1), "c": (1, 1)}
    assert aggregates.insert_many_once([({"_id": name}, []) for name in "abc"], CAUSE) == []


def test_modify_or_insert_makes_the_document_with_the_change_or_changes_the_one_there(aggregates):
    def add_one(document):
        return {"n": document["n"] + 1}, [registered(document["_id"])]

    made = aggregates.modify_or_insert({"_id": "a"}, {"_id": "a", "n": 0}, add_one, CAUSE)
    changed = aggregates.modify_or_insert({"_id": "a"}, {"_id": "a", "n": 0}, add_one, CAUSE)
    left_alone = aggregates.modify_or_insert({"_id": "b"}, {"_id": "b", "n": 0}, lambda document: None, CAUSE)
    assert (made["n"], changed["n"], left_alone["n"]) == (1, 2, 0)
    assert aggregates.raw.find_one({"_id": "a"})["outbox_pending"] == 2
