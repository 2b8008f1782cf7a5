"""The embedded broker (kombu's filesystem transport, `make run`'s default) keeps the journal's
copies in a folder of their own: a worker's poll lists the queues' folder, which holds work only."""
import pytest

from shared.messaging.connection import broker_connection
from shared.messaging.embedded_transport import JOURNAL_FOLDER
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import Topology
from system.topology import declare_topology
from tests.conftest import make_envelope

pytestmark = pytest.mark.integration


def test_an_event_reaches_its_queues_beside_each_other_and_its_journal_copy_apart(settings):
    declare_topology(settings)
    topology = Topology(settings.broker_namespace)
    publisher = EventPublisher(broker_connection(settings), topology, confirm_timeout=3)
    try:
        publisher.publish(make_envelope("intake.patient.registered", {"patient_id": "p-1"}, site_id="mpls",
                                        correlation_id="req-1"))
    finally:
        publisher.close()
    queues = settings.data_dir / "broker" / "queues"
    beside = sorted(path.name.split(".", 1)[1] for path in queues.glob("*.msg"))
    assert beside and all(name.endswith(".events.msg") for name in beside), beside
    assert [path.name.split(".", 1)[1] for path in (queues / JOURNAL_FOLDER).glob("*.msg")] == [
        f"{topology.journal_queue.name}.msg"]

    connection = broker_connection(settings)
    try:
        message = topology.service_queue("scheduling")(connection.default_channel).get(no_ack=True)
        assert message.decode()["payload"] == {"patient_id": "p-1"}
    finally:
        connection.release()
