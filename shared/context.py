"""What a service process knows about itself: its name, settings, sites, store, handlers and sweeps.

Each service's ``bootstrap.py`` builds one, once, for its API, its worker and its tests; nothing
else wires a service. The database client is made lazily in the process that uses it (after any
gunicorn fork: pymongo is not fork-safe), and so is the broker connection of the
publish-after-commit path (``shared.outbox.PublishAfterCommit``): a store made by a context that
publishes after commit publishes each write's outbox entries right after the write, in the API
process or worker that wrote them; the worker's relay remains the safety net.

Which contexts publish after commit: a process's own (built without given ``settings``: gunicorn
apps and workers) unless ``IOP_PUBLISH_AFTER_COMMIT=0``; a context given its settings (tests,
operators' tools) only when ``publish_after_commit`` is set to True before its store is first used.
"""
import os
from collections.abc import Callable
from functools import partial

from pymongo import IndexModel
from pymongo.database import Database

from shared.config import Settings, load_settings
from shared.database import service_database
from shared.events import Event
from shared.messaging.topology import Topology
from shared.outbox import PublishAfterCommit
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
        check_inbox: bool = True,
    ):
        """``check_sites`` validates the service's own settings in the sites file (plan templates,
        program cadences), so that a mistake stops the process at start, with its reason, instead
        of failing each event that needs the setting. ``db`` is given by tests (an in-memory one).
        ``check_inbox=False`` only where every handler's writes are keyed by ids derived from the
        event, so that a redelivery writes nothing new (``shared.messaging.consumer``)."""
        # Decided before ``settings`` is filled in: see the module's docstring.
        self.publish_after_commit = settings is None and os.environ.get("IOP_PUBLISH_AFTER_COMMIT", "1") != "0"
        self.service = service
        self.store_class = store
        self.handlers = dict(handlers or {})
        self.check_inbox = check_inbox
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
        self._after_commit: PublishAfterCommit | None = None

    @property
    def store(self) -> Store:
        """The service's store on its database, made in this process, indexes ensured once."""
        if self._store is None or self._store_pid != os.getpid():
            db = self._given_db if self._given_db is not None else service_database(self.settings, self.service)
            # A publisher made before a fork belongs to the parent: this process makes its own.
            self._after_commit = self._make_after_commit(db) if self.publish_after_commit else None
            store = self.store_class(db, publish_after_commit=self._after_commit)
            store.ensure_indexes(self.extra_indexes)
            self._store, self._store_pid = store, os.getpid()
        return self._store

    @property
    def after_commit(self) -> PublishAfterCommit | None:
        """This process's publish-after-commit path, or None when only the relay publishes."""
        self.store  # noqa: B018 (made with the store, in this process)
        return self._after_commit

    def _make_after_commit(self, db: Database) -> PublishAfterCommit:
        from shared.messaging.connection import HEARTBEAT_SECONDS, broker_connection
        from shared.messaging.publisher import EventPublisher
        from shared.observability import record_published

        def make_publisher() -> EventPublisher:
            # One attempt, no connection retry: a failure is the relay's to retry, not the request's to wait for.
            return EventPublisher(broker_connection(self.settings), self.topology,
                                  confirm_timeout=self.settings.confirm_timeout_seconds, attempts=1, connect_retries=0)

        return PublishAfterCommit(make_publisher, on_published=partial(record_published, db, self.service),
                                  idle_reconnect_seconds=HEARTBEAT_SECONDS)

    @property
    def db(self) -> Database:
        return self.store.db

    def site(self, site_id: str) -> Site:
        return self.sites.get(site_id)
