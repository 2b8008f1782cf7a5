"""The medication API: ``gunicorn 'services.medication.app:create_app()'``."""
from services.medication.api import check_ins, orders, patients, reconciliations
from services.medication.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Medication management in the IOP: orders and dose adjustments with their history,
routine check-ins (adherence, side effects), and the discharge medication reconciliation.

**Patients.** Orders and check-ins name a patient of the caller's site. Medication learns its
patients from intake's `intake.patient.registered` (and `intake.enrollment.admitted`) events,
never from intake's database, so it is eventually consistent: a patient registered a moment ago
may not be known yet. A body naming an unknown patient, or another site's patient, is refused
with 422 and `errors.patient_id`, and the front-end retries after a moment. A path naming such a
patient (`/patients/{patient_id}/...`) answers 404.

**Events.** `medication.order.created`, `.adjusted` and `.discontinued` carry the order's ids,
status and RxNorm code only, never names, doses or reasons. A check-in reporting any side effect
emits `medication.side_effect.reported` with the gravest severity reported (mild, moderate or
severe) and the number of side effects, no names; case management acts on a `severe` one. A
check-in without side effects emits nothing.

**Reconciliation.** When intake emits `intake.enrollment.completed` or
`intake.enrollment.discharged`, the worker lists the patient's active orders at their current
dose (discontinued orders left out, starts and dose changes within 14 days before discharge
marked), stores exactly one reconciliation per enrollment and emits
`medication.reconciliation.completed`. It appears moments after the discharge: poll
`GET /reconciliations?enrollment_id=`. `GET /reconciliations/{id}/print` gives a plain-text list
for the next prescriber."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP medication",
        description=DESCRIPTION,
        blueprints=[orders.blp, check_ins.blp, patients.blp, reconciliations.blp],
        config=config,
    )
