"""Builds medication's context: its store and its handler table; once, for the app, the worker and the tests."""
from services.medication.handlers import HANDLERS
from services.medication.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.store import Store

SERVICE = "medication"


class TransitionalStore(Store):
    INDEXES = INDEXES
    OUTBOX_COLLECTIONS = tuple(OUTBOX_COLLECTIONS)


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=TransitionalStore, handlers=HANDLERS, settings=settings, sites=sites, db=db)
