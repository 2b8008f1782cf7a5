"""The per-process MongoDB client and each service's database.

pymongo is not fork-safe, so a client is made lazily in the process that uses it and remembered
per process id: a gunicorn worker forked from a parent that had one makes its own.
"""
import os
import threading

from pymongo import IndexModel, MongoClient
from pymongo.database import Database

from shared.config import Settings
from shared.embedded.mongo import EMBEDDED_MONGO_URL

_clients: dict[tuple[int, str], MongoClient] = {}
_lock = threading.Lock()


def mongo_url(settings: Settings) -> str:
    return settings.mongo_url or EMBEDDED_MONGO_URL


def mongo_client(url: str) -> MongoClient:
    key = (os.getpid(), url)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = MongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5000, connectTimeoutMS=5000)
            _clients[key] = client
        return client


def service_database(settings: Settings, service: str) -> Database:
    return mongo_client(mongo_url(settings))[settings.database_name(service)]


def ensure_indexes(db: Database, indexes: dict[str, list[IndexModel]]) -> None:
    """Create the service's indexes; creating an existing index is a no-op, so every process may call it."""
    for collection, models in indexes.items():
        if models:
            db[collection].create_indexes(models)


def database_answers(db: Database) -> bool:
    try:
        db.client.admin.command("ping")
        return True
    except Exception:
        return False
