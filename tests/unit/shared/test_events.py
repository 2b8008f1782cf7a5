"""Events are contracts: producers cannot emit a broken payload, consumers ignore added fields."""
import pytest
from marshmallow import ValidationError

from shared.events import InvalidEvent, UnknownEvent, load_event, registered_event_types
from tests.conftest import make_envelope

PINNED_EVENT_TYPES = {
    "intake.patient.registered", "intake.assessment.recorded", "intake.risk.flagged", "intake.enrollment.admitted",
    "intake.enrollment.completed", "intake.enrollment.discharged", "scheduling.schedule.created",
    "scheduling.attendance.recorded", "scheduling.absence.escalated", "scheduling.sessions.cancelled",
    "scheduling.appointment.booked", "medication.order.created", "medication.order.adjusted",
    "medication.order.discontinued", "medication.side_effect.reported", "medication.reconciliation.completed",
    "aftercare.plan.created", "aftercare.task.created", "aftercare.task.completed", "aftercare.referral.created",
    "aftercare.referral.updated", "aftercare.follow_up.overdue",
}


def registered(**payload):
    return make_envelope("intake.patient.registered", {"patient_id": "p-1", **payload}, site_id="mpls", correlation_id="req-1", causation_id="ev-0")


def test_every_pinned_event_type_has_a_schema():
    assert PINNED_EVENT_TYPES <= registered_event_types()


def test_the_envelope_carries_the_pinned_fields():
    assert set(registered()) == {"event_id", "event_type", "event_version", "occurred_at", "site_id",
                                 "correlation_id", "causation_id", "producer", "payload"}


def test_a_producer_cannot_emit_a_payload_missing_a_required_field():
    with pytest.raises(InvalidEvent):
        make_envelope("intake.patient.registered", {}, site_id="mpls", correlation_id="r")


def test_a_consumer_ignores_fields_a_newer_producer_added():
    event = registered()
    event["payload"]["added_later"] = "x"
    event["added_to_envelope"] = 1
    assert load_event(event).payload == {"patient_id": "p-1"}


def test_an_unknown_version_is_refused_by_the_consumer():
    with pytest.raises(UnknownEvent):
        load_event({**registered(), "event_version": 99})


def test_an_envelope_without_a_site_is_refused():
    event = registered()
    del event["site_id"]
    with pytest.raises(ValidationError):
        load_event(event)
