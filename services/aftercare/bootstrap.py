"""Builds aftercare's context once, for the app, the worker and the tests: its store, its handler
table, its timed sweeps and its site settings check. The only place that wires the service."""
from services.aftercare.domain.site_settings import check_site_settings
from services.aftercare.handlers import HANDLERS
from services.aftercare.store import AftercareStore
from services.aftercare.use_cases.sweeps import SWEEP_INTERVAL_SECONDS, sweep_overdue_follow_ups, sweep_referrals
from shared.context import ServiceContext
from shared.worker import Periodic

SERVICE = "aftercare"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=AftercareStore, handlers=HANDLERS, sweeps=sweeps,
                          check_sites=check_site_settings, settings=settings, sites=sites, db=db)


def sweeps(context: ServiceContext) -> list[Periodic]:
    """The worker's timed sweeps over every site; the service acts in them."""
    return [
        Periodic("overdue follow-up sweep", SWEEP_INTERVAL_SECONDS,
                 lambda: sweep_overdue_follow_ups(context.store, context.sites, SERVICE)),
        Periodic("referral sweep", SWEEP_INTERVAL_SECONDS,
                 lambda: sweep_referrals(context.store, context.sites, SERVICE)),
    ]
