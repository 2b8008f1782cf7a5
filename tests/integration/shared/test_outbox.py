"""The outbox on the database server: a change and its events in one write, guarded by version."""
import pytest

from shared.cause import Cause
from shared.events.intake import patient_registered
from shared.outbox import OutboxRelay
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
