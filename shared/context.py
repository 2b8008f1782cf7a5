"""What a service process knows about itself: its name, settings, sites, store, handlers and sweeps.

Each service's ``bootstrap.py`` builds one, once, for its API, its worker and its tests; nothing
else wires a service. The database client is made lazily in the process that uses it (after any
gunicorn fork: pymongo is not fork-safe).
"""
import os
from collections.abc import Callable

from pymongo import IndexModel
from pymongo.database import Database

from shared.config import Settings, load_settings
from shared.database import service_database
from shared.events import Event
from shared.messaging.topology import Topology
from shared.sites import Site, Sites, load_sites
from shared.store import Store

# An event entry point: ``handler(event, context)``.
Handler = Callable[[Event, "ServiceContext"], None]


class ServiceContext:
    def __init__(
        self,
        service: str,
        store: type[Store],
        handlers: dict[str, Handler] | None = None,
        sweeps: Callable[["ServiceContext"], list] | None = None,
        check_sites: Callable[[Sites], None] | None = None,
        settings: Settings | None = None,
        sites: Sites | None = None,
        db: Database | None = None,
    ):
        """``check_sites`` validates the service's own settings in the sites file (plan templates,
        program cadences), so that a mistake stops the process at start, with its reason, instead
        of failing each event that needs the setting. ``db`` is given by tests (an in-memory one)."""
        self.service = service
        self.store_class = store
        self.handlers = dict(handlers or {})
        self.sweeps = sweeps or (lambda context: [])
        self.settings = settings or load_settings()
        self.sites = sites or load_sites(self.settings.sites_file)
        if check_sites is not None:
            check_sites(self.sites)
        # The service's own queue is bound to the event types its handler table names.
        self.topology = Topology(self.settings.broker_namespace, self.settings.delivery_limit,
                                 {service: tuple(self.handlers)})
        # Collections the shared HTTP and messaging layers add (idempotency keys, audit, inbox).
        self.extra_indexes: dict[str, list[IndexModel]] = {}
        self._given_db = db
        self._store: Store | None = None
        self._store_pid: int | None = None

    @property
    def store(self) -> Store:
        """The service's store on its database, made in this process, indexes ensured once."""
        if self._store is None or self._store_pid != os.getpid():
            db = self._given_db if self._given_db is not None else service_database(self.settings, self.service)
            store = self.store_class(db)
            store.ensure_indexes(self.extra_indexes)
            self._store, self._store_pid = store, os.getpid()
        return self._store

    @property
    def db(self) -> Database:
        return self.store.db

    def site(self, site_id: str) -> Site:
        return self.sites.get(site_id)
