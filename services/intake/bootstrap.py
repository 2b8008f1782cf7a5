"""Builds intake's context: its store, its (empty) handler table, its timed sweep and its site settings
check; once, for the app, the worker and the tests. The only place that wires the service."""
from services.intake.domain.site_settings import check_site_settings
from services.intake.handlers import HANDLERS
from services.intake.store import IntakeStore
from services.intake.use_cases.measurement import SWEEP_INTERVAL_SECONDS, sweep_overdue_measurements
from shared.context import ServiceContext
from shared.worker import Periodic

SERVICE = "intake"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=IntakeStore, handlers=HANDLERS, sweeps=sweeps,
                          check_sites=check_site_settings, settings=settings, sites=sites, db=db)


def sweeps(context: ServiceContext) -> list[Periodic]:
    """The worker's timed sweep over every site: PHQ-9 re-measurements missed (intake.measurement.overdue)."""
    return [Periodic("measurement sweep", SWEEP_INTERVAL_SECONDS,
                     lambda: sweep_overdue_measurements(context.store, context.sites, SERVICE))]
