"""The intake API: ``gunicorn 'services.intake.app:create_app()'``."""
from services.intake.api import assessments, census, enrollments, patients, referrals
from services.intake.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Referrals, patients, measurement-based assessments, enrollments, discharge and the census.

Discharging an enrollment with outcome `completed` emits `intake.enrollment.completed`, which
starts the aftercare plan, the follow-up booking and the medication reconciliation.

Every call needs `Authorization: Bearer <key>` (401 without). A clinician key acts for its own
site; another site's resource is a 404. An operator key reaches only `GET /v1/census`, across
every site (403 elsewhere). Errors are `application/problem+json`; a 422 names each invalid field
in `errors`. A POST sent again with the same `Idempotency-Key` returns the first answer and
changes nothing. Lists take `page` and `page_size` and answer an `X-Pagination` header.

Dates are `YYYY-MM-DD` site-local days; a discharge date after the site's today is refused (422):
a discharge is recorded on the day it happens, because it starts aftercare at once."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP intake",
        description=DESCRIPTION,
        blueprints=[referrals.blp, patients.blp, assessments.blp, enrollments.blp, census.blp],
        config=config,
    )
