"""What a service process knows about itself: its name, settings, sites and database.

One instance per process; the API (in ``app.extensions``) and the worker each make their own.
"""
import os
from collections.abc import Callable

from pymongo import IndexModel
from pymongo.database import Database

from shared.config import Settings, load_settings
from shared.database import ensure_indexes, service_database
from shared.events import Event, new_event
from shared.messaging.topology import Topology
from shared.sites import Sites, load_sites


class ServiceContext:
    def __init__(
        self,
        service: str,
        indexes: dict[str, list[IndexModel]] | None = None,
        settings: Settings | None = None,
        sites: Sites | None = None,
        check_sites: Callable[[Sites], None] | None = None,
    ):
        """``check_sites`` validates the service's own settings in the sites file (plan templates,
        program cadences), so that a mistake stops the process at start, with its reason, instead
        of failing each event that needs the setting."""
        self.service = service
        self.indexes = indexes or {}
        self.settings = settings or load_settings()
        self.sites = sites or load_sites(self.settings.sites_file)
        if check_sites is not None:
            check_sites(self.sites)
        self.topology = Topology(self.settings.broker_namespace, self.settings.delivery_limit)
        self._db: Database | None = None
        self._db_pid: int | None = None

    @property
    def db(self) -> Database:
        """The service's database, made in this process (after any fork), indexes ensured once."""
        if self._db is None or self._db_pid != os.getpid():
            db = service_database(self.settings, self.service)
            ensure_indexes(db, self.indexes)
            self._db, self._db_pid = db, os.getpid()
        return self._db

    def event(self, event_type: str, payload: dict, *, site_id: str, correlation_id: str,
              causation_id: str | None = None, version: int = 1) -> dict:
        return new_event(event_type, payload, site_id=site_id, producer=self.service,
                         correlation_id=correlation_id, causation_id=causation_id, version=version)

    def event_caused_by(self, cause: Event, event_type: str, payload: dict, version: int = 1) -> dict:
        """An event this service emits in reaction to ``cause``: same site, same correlation."""
        return self.event(event_type, payload, site_id=cause.site_id, correlation_id=cause.correlation_id,
                          causation_id=cause.event_id, version=version)
