"""Payloads of the events the webhooks service makes itself: only the test event a site sends to one
of its endpoints to check the receiver. Every other webhook carries another service's event as it is.

The event is enveloped like any other (one shape for receivers), but it is delivered to the one
endpoint it names and never published: no other consumer has anything to learn from it.
"""
from marshmallow import Schema

from shared.events._fields import identifier
from shared.events.registry import EventType


class EndpointTested(Schema):
    endpoint_id = identifier(required=True)


endpoint_tested = EventType("webhooks.endpoint.tested", EndpointTested)
