"""The medication API: ``gunicorn 'services.medication.app:create_app()'``."""
from services.medication.store import INDEXES
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Medication of the IOP."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or ServiceContext("medication", indexes=INDEXES),
        title="IOP medication",
        description=DESCRIPTION,
        blueprints=[],
        config=config,
    )
