"""The cause of a change: the one value an entry point hands to a use case.

An HTTP request, a consumed event and a timed sweep each make one :class:`Cause`; the use case
passes it to the store, which stamps every event the change causes with it (site, correlation,
causation, producer). Nothing else builds an envelope.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from shared.events.envelope import Event
from shared.events.registry import DomainEvent


@dataclass(frozen=True)
class Cause:
    site_id: str
    correlation_id: str
    # The event that caused this change; None for a request or a sweep.
    causation_id: str | None = None
    # Who acts, as written into histories: a key's label, or the service for events and sweeps.
    actor: str = "system"

    @classmethod
    def of_event(cls, event: Event, actor: str) -> "Cause":
        """A reaction to ``event``: same site, same correlation, caused by it."""
        return cls(site_id=event.site_id, correlation_id=event.correlation_id, causation_id=event.event_id, actor=actor)

    def envelope(self, event: DomainEvent) -> dict:
        """The JSON-ready envelope (CONTRACT.md, Events) of an event this cause brings about.

        The producer is the event type's first word: a service publishes only its own events."""
        return {
            "event_id": str(uuid.uuid4()),
            "event_type": event.event_type,
            "event_version": event.version,
            "occurred_at": datetime.now(timezone.utc).isoformat(),
            "site_id": self.site_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "producer": event.event_type.split(".", 1)[0],
            "payload": event.payload,
        }
