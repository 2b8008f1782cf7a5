"""Builds aftercare's context: its store, its handler table, its sweeps and its site settings check; once, for the app, the worker and the tests."""
from services.aftercare.handlers import HANDLERS
from services.aftercare.site_settings import check_site_settings
from services.aftercare.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.store import Store

SERVICE = "aftercare"


class TransitionalStore(Store):
    INDEXES = INDEXES
    OUTBOX_COLLECTIONS = tuple(OUTBOX_COLLECTIONS)


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=TransitionalStore, handlers=HANDLERS, check_sites=check_site_settings, sweeps=_sweeps, settings=settings, sites=sites, db=db)


def _sweeps(context):
    from services.aftercare.worker import sweeps
    return sweeps(context)
