"""The scheduling API: ``gunicorn 'services.scheduling.app:create_app()'``."""
from services.scheduling.store import INDEXES
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Scheduling of the IOP."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or ServiceContext("scheduling", indexes=INDEXES),
        title="IOP scheduling",
        description=DESCRIPTION,
        blueprints=[],
        config=config,
    )
