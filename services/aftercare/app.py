"""The aftercare API: ``gunicorn 'services.aftercare.app:create_app()'``."""
from services.aftercare.api import plans
from services.aftercare.store import INDEXES
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Aftercare plans made automatically when an enrollment ends, closed-loop referrals to the
next level of care, follow-up tracking and case-management tasks."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or ServiceContext("aftercare", indexes=INDEXES),
        title="IOP aftercare",
        description=DESCRIPTION,
        blueprints=[plans.blp],
        config=config,
    )
