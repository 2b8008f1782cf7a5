"""The outbox on the database server: state and events in one write, guarded by version."""
import pytest

from shared.context import ServiceContext
from shared.outbox import UNSET, ConcurrentUpdate, insert_with_events, modify, update_with_events
from tests.conftest import make_envelope


@pytest.fixture
def collection(settings, sites):
    return ServiceContext("intake", settings=settings, sites=sites).db["aggregates"]


def event(patient_id="p-1"):
    return make_envelope("intake.patient.registered", {"patient_id": patient_id}, site_id="mpls", correlation_id="req-1")


def test_a_change_and_its_events_are_written_together(collection):
    insert_with_events(collection, {"_id": "a", "status": "active"})
    assert update_with_events(collection, {"_id": "a", "status": "active"}, {"status": "done"}, [event()])
    document = collection.find_one({"_id": "a"})
    assert (document["status"], document["outbox_pending"], len(document["outbox"])) == ("done", 1, 1)


def test_a_write_against_a_stale_version_changes_nothing(collection):
    insert_with_events(collection, {"_id": "a", "status": "active"})
    assert update_with_events(collection, {"_id": "a"}, {"status": "x"}, expected_version=1)
    assert not update_with_events(collection, {"_id": "a"}, {"status": "y"}, [event()], expected_version=1)
    document = collection.find_one({"_id": "a"})
    assert (document["status"], document["outbox_pending"]) == ("x", 0)


def test_an_unset_change_removes_the_field_in_the_same_write(collection):
    insert_with_events(collection, {"_id": "a", "slot": "p:mh"})
    modify(collection, {"_id": "a"}, lambda document: ({"slot": UNSET, "status": "done"}, []))
    assert "slot" not in collection.find_one({"_id": "a"})


def test_modify_gives_up_with_a_conflict_when_the_document_keeps_changing(collection):
    insert_with_events(collection, {"_id": "a", "n": 0})

    def change_meanwhile(document):
        collection.update_one({"_id": "a"}, {"$inc": {"version": 1}})
        return {"n": document["n"] + 1}, []

    with pytest.raises(ConcurrentUpdate):
        modify(collection, {"_id": "a"}, change_meanwhile, attempts=3)
