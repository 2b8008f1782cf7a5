"""Builds the webhooks context once, for the app, the worker and the tests: its store, its handler
table (every event type), its sending sweep, and what sending needs: the operator's delivery
settings and the transport (DNS and HTTP), which tests replace. The only place that wires the service."""
from services.webhooks.handlers import HANDLERS
from services.webhooks.store import WebhooksStore
from services.webhooks.use_cases.sending import SEND_INTERVAL_SECONDS, send_due_deliveries
from services.webhooks.use_cases.transport import DeliverySettings, HttpTransport, Transport
from shared.context import ServiceContext
from shared.worker import Periodic

SERVICE = "webhooks"


class WebhooksContext(ServiceContext):
    def __init__(self, *args, delivery: DeliverySettings, transport: Transport, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivery = delivery
        self.transport = transport


def bootstrap(settings=None, sites=None, db=None, delivery: DeliverySettings | None = None,
              transport: Transport | None = None) -> WebhooksContext:
    # No inbox check: a delivery's id is derived from its event and endpoint, so a redelivered event
    # records nothing new, and the check would cost a round trip on each of the ~13 events a
    # completion fans out to.
    return WebhooksContext(SERVICE, store=WebhooksStore, handlers=HANDLERS, sweeps=sweeps, settings=settings,
                           sites=sites, db=db, delivery=delivery or DeliverySettings.from_environment(),
                           transport=transport or HttpTransport(), check_inbox=False)


def sweeps(context: WebhooksContext) -> list[Periodic]:
    """The worker's sweep that sends due deliveries of every site."""
    return [Periodic("webhook sending", SEND_INTERVAL_SECONDS,
                     lambda: send_due_deliveries(context.store, context.delivery, context.transport))]
