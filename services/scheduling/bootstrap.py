"""Builds scheduling's context: its store, its handler table and its site settings check; once,
for the app, the worker and the tests. The only place that wires the service."""
from services.scheduling.domain.site_settings import check_site_settings
from services.scheduling.store import SchedulingStore
from shared.context import ServiceContext

SERVICE = "scheduling"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    # Imported here because the handlers name SERVICE, defined above, as the actor of their causes.
    from services.scheduling.handlers import HANDLERS

    return ServiceContext(SERVICE, store=SchedulingStore, handlers=HANDLERS, check_sites=check_site_settings,
                          settings=settings, sites=sites, db=db)
