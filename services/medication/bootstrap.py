"""Builds medication's context: its store and its handler table; once, for the app, the worker and the tests."""
from services.medication.handlers import HANDLERS
from services.medication.store import MedicationStore
from shared.context import ServiceContext

SERVICE = "medication"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=MedicationStore, handlers=HANDLERS, settings=settings, sites=sites, db=db)
