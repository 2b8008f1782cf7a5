"""An in-memory database behind the same store classes, for use-case tests without a server.

mongomock implements pymongo's collection API in memory (unique indexes, update operators,
DuplicateKeyError), so a service's ``Store`` runs on it unchanged: the style of cosmicpython's
FakeUnitOfWork without writing a second store by hand.
"""
import uuid

import mongomock

from shared.config import DEMO_SITES_FILE, load_settings
from shared.sites import load_sites

SITES = load_sites(DEMO_SITES_FILE)


def in_memory_db():
    return mongomock.MongoClient(tz_aware=True)[f"t{uuid.uuid4().hex[:12]}"]


def in_memory_context(service: str):
    """The service's context as its bootstrap builds it, on an in-memory database and the demo sites."""
    from system.services import bootstrap

    return bootstrap(service, settings=load_settings({}), sites=SITES, db=in_memory_db())
