"""The one list of services, and what the composition root learns from each one's bootstrap."""
import importlib

from shared.config import Settings
from shared.context import ServiceContext
from shared.messaging.topology import Topology
from shared.sites import Sites

SERVICES: tuple[str, ...] = ("intake", "scheduling", "medication", "aftercare", "treatment", "webhooks")


def bootstrap(service: str, **overrides) -> ServiceContext:
    """The service's context, as its own ``bootstrap.py`` builds it (settings, sites, db may be given)."""
    return importlib.import_module(f"services.{service}.bootstrap").bootstrap(**overrides)


def subscriptions() -> dict[str, tuple[str, ...]]:
    """Each service's event types, read from its own handler table."""
    return {service: tuple(importlib.import_module(f"services.{service}.handlers").HANDLERS) for service in SERVICES}


def topology(settings: Settings) -> Topology:
    """Every service's queue and bindings: declared before any process starts, so that an event
    published on a first boot never misses a queue its consumer has not declared yet."""
    return Topology(settings.broker_namespace, settings.delivery_limit, subscriptions())


def check_sites(settings: Settings, sites: Sites) -> None:
    """Each service's own settings in the sites file (SitesFileError names the first mistake)."""
    for service in SERVICES:
        bootstrap(service, settings=settings, sites=sites)
