"""Builds scheduling's context: its store, its handler table, its timed sweep and its site settings
check; once, for the app, the worker and the tests. The only place that wires the service."""
from services.scheduling.domain.site_settings import check_site_settings
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases.intensity import SWEEP_INTERVAL_SECONDS, sweep_intensity
from shared.context import ServiceContext
from shared.worker import Periodic

SERVICE = "scheduling"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    # Imported here because the handlers name SERVICE, defined above, as the actor of their causes.
    from services.scheduling.handlers import HANDLERS

    return ServiceContext(SERVICE, store=SchedulingStore, handlers=HANDLERS, sweeps=sweeps,
                          check_sites=check_site_settings, settings=settings, sites=sites, db=db)


def sweeps(context: ServiceContext) -> list[Periodic]:
    """The worker's timed sweep over every site: weeks attended below the program's minimum."""
    return [Periodic("intensity sweep", SWEEP_INTERVAL_SECONDS,
                     lambda: sweep_intensity(context.store, context.sites, SERVICE))]
