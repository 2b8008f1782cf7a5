"""The intake API: ``gunicorn 'services.intake.app:create_app()'``."""
from services.intake.api import enrollments, patients
from services.intake.store import INDEXES
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Referrals, patients, measurement-based assessments, enrollments and discharge.

Discharging an enrollment with outcome `completed` emits `intake.enrollment.completed`, which
starts the aftercare plan, the follow-up booking and the medication reconciliation."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or ServiceContext("intake", indexes=INDEXES),
        title="IOP intake",
        description=DESCRIPTION,
        blueprints=[patients.blp, enrollments.blp],
        config=config,
    )
