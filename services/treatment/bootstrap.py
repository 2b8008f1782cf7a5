"""Builds treatment's context once, for the app, the worker and the tests: its store, its handler
table, its timed sweeps and its site settings check. The only place that wires the service."""
from services.treatment.domain.site_settings import check_site_settings
from services.treatment.handlers import HANDLERS
from services.treatment.store import TreatmentStore
from services.treatment.use_cases.sweeps import SWEEP_INTERVAL_SECONDS, sweep_overdue_notes, sweep_plans_due
from shared.context import ServiceContext
from shared.worker import Periodic

SERVICE = "treatment"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=TreatmentStore, handlers=HANDLERS, sweeps=sweeps,
                          check_sites=check_site_settings, settings=settings, sites=sites, db=db)


def sweeps(context: ServiceContext) -> list[Periodic]:
    """The worker's timed sweeps over every site; the service acts in them."""
    return [
        Periodic("plan and review due sweep", SWEEP_INTERVAL_SECONDS,
                 lambda: sweep_plans_due(context.store, context.sites, SERVICE)),
        Periodic("overdue note sweep", SWEEP_INTERVAL_SECONDS,
                 lambda: sweep_overdue_notes(context.store, context.sites, SERVICE)),
    ]
