"""Builds intake's context: its store, its (empty) handler table; once, for the app, the worker and the tests."""
from services.intake.handlers import HANDLERS
from services.intake.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.store import Store

SERVICE = "intake"


class TransitionalStore(Store):
    INDEXES = INDEXES
    OUTBOX_COLLECTIONS = tuple(OUTBOX_COLLECTIONS)


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=TransitionalStore, handlers=HANDLERS, settings=settings, sites=sites, db=db)
