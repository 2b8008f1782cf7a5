"""An in-memory database behind the same store classes, for use-case tests without a server.

mongomock implements pymongo's collection API in memory (unique indexes, update operators,
DuplicateKeyError), so a service's ``Store`` runs on it unchanged: the style of cosmicpython's
FakeUnitOfWork without writing a second store by hand.
"""
import re
import uuid
from datetime import datetime, timezone

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


# -- what the embedded stand-in does to values, for the codec tests of every service's store --------
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def as_the_stand_in_returns(value):
    """A stored value as the stand-in reads back a ``$set`` of it: instants as naive UTC strings,
    booleans as 1/0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dict):
        return {key: as_the_stand_in_returns(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_the_stand_in_returns(item) for item in value]
    return value


def typed(value):
    """The value with the type of every leaf, so that 1 and True (equal in Python) differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return type(value).__name__, value


def strings_like_days(value, path: str = "") -> list[str]:
    """Paths whose value still reads as a day's string: a date the codec does not declare."""
    if isinstance(value, str):
        return [path] if ISO_DAY.match(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in strings_like_days(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for item in value for found in strings_like_days(item, f"{path}.*")]
    return []
