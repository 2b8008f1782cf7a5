"""Builds intake's context: its store and its (empty) handler table; once, for the app, the worker and the tests."""
from services.intake.handlers import HANDLERS
from services.intake.store import IntakeStore
from shared.context import ServiceContext

SERVICE = "intake"


def bootstrap(settings=None, sites=None, db=None) -> ServiceContext:
    return ServiceContext(SERVICE, store=IntakeStore, handlers=HANDLERS, settings=settings, sites=sites, db=db)
