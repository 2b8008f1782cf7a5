"""Builds scheduling's context: its store, its handler table and its site settings check; once, for the app, the worker and the tests."""
from services.scheduling.handlers import HANDLERS
from services.scheduling.site_settings import check_site_settings
from services.scheduling.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.store import Store

SERVICE = "scheduling"


class TransitionalStore(Store):
    INDEXES = INDEXES
    OUTBOX_COLLECTIONS = tuple(OUTBOX_COLLECTIONS)


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=TransitionalStore, handlers=HANDLERS, check_sites=check_site_settings, settings=settings, sites=sites, db=db)
