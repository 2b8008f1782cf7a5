"""The intake API: ``gunicorn 'services.intake.app:create_app()'``."""
from services.intake.api import (
    assessments,
    census,
    consents,
    enrollments,
    patients,
    programs,
    referrals,
    safety_plans,
)
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
a discharge is recorded on the day it happens, because it starts aftercare at once.

The episode of care: programs are the site's catalog (`GET /v1/programs`); an admission names one
and takes its length and level of care from it. Inside one episode the patient may move between
levels of care (`POST /v1/enrollments/{id}/level-of-care`: PHP → IOP → outpatient, or back up;
`intake.level_of_care.changed`) without a discharge; the enrollment keeps its `periods`.
Diagnoses are billable ICD-10-CM codes ranked on the enrollment (`PUT /v1/enrollments/{id}/diagnoses`;
`intake.diagnoses.updated`). Assessments: PHQ-9, GAD-7, the C-SSRS screener (a risk level; a
positive screen emits `intake.risk.flagged` with it), PCL-5 and AUDIT. The assessment summary
measures the episode from its baseline (an evaluation up to `baseline_window_days` before
admission, else the first of the enrollment); PHQ-9 response and remission only from a baseline
of 10 or more (NQF 0710). A program's `phq9_every_weeks` cadence missed raises
`intake.measurement.overdue` once per due date. Discharge outcomes follow TEDS-D's reasons for
discharge, `death` and `incarcerated` included.

Consents (`/v1/patients/{id}/consents`, `/v1/consents/{id}`) record the patient's written consent
to disclose substance-use records (42 CFR Part 2, §2.31): what, to whom, why, until when, signed by
whom and when. `intake.consent.granted` and `intake.consent.revoked` carry its ids and codes to
aftercare, which discloses only under an active consent. Safety plans
(`/v1/patients/{id}/safety-plans`, `/v1/safety-plans/{id}`) are Stanley-Brown plans kept as
versions; each emits `intake.safety_plan.recorded`. Their text never leaves intake."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP intake",
        description=DESCRIPTION,
        blueprints=[referrals.blp, patients.blp, assessments.blp, programs.blp, enrollments.blp, census.blp,
                    consents.blp, safety_plans.blp],
        config=config,
    )
