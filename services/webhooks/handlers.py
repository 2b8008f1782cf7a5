"""Events the webhooks service consumes: every event type of the contract, each mapped to the one
handler that records its deliveries, so that the service's queue is bound to every type from this
table like any other service's. Delivery is at-least-once; recording is idempotent by the derived
delivery id (one per event and endpoint)."""
from services.webhooks.use_cases import deliveries
from shared.context import ServiceContext
from shared.events import Event, registered_event_types


def record_deliveries(event: Event, context: ServiceContext) -> None:
    deliveries.record_deliveries(context.store, deliveries.envelope_of(event))


HANDLERS = {event_type: record_deliveries for event_type in sorted(registered_event_types())}
