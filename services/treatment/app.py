"""The treatment API: ``gunicorn 'services.treatment.app:create_app()'``."""
from services.treatment.api import discharge_summaries, group_sessions, notes, plans
from services.treatment.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Individualized treatment plans, signed session notes and discharge summaries.

**Plans.** `POST /plans {enrollment_id}` drafts version 1, with one problem per diagnosis intake
reported (`intake.diagnoses.updated`); `PUT /plans/{id}` edits the draft: problems (each may name one
of the enrollment's ICD-10-CM codes), goals per problem, measurable objectives per goal (target
date, how progress is measured) and interventions (modality, frequency, responsible role). The
roles the site requires sign it (`POST /plans/{id}/signatures {role, signer}`; a signer is a staff
id or `patient`/`guardian`, never a name): the clinician, the patient (a guardian for an
adolescent program) and, where the site says so, a supervisor. The last signature makes it active
(`treatment.plan.activated`); an active plan cannot be edited (409): `POST /plans/{id}/revisions`
makes the next version, which needs every signature again and supersedes it once signed.

**Reviews.** `POST /plans/{id}/reviews` records each objective's progress (met, progressing,
not_met, discontinued) and the next review date (`treatment.plan.reviewed`). The first plan is
due `first_plan_due_days` (7) after admission, reviews every `review_interval_days` (30) and on the
effective day of every change of level of care (`intake.level_of_care.changed`). A sweep raises
`treatment.plan.review_due` once for each plan or review due and missing (kind `initial_plan` or
`review`, trigger `scheduled` or `level_of_care_change`).

**Notes.** When scheduling records a patient present (`scheduling.attendance.recorded`), a draft
note opens for that patient and session: individual, group, family, education, holistic or
medication management, in the site's form (DAP, BIRP or SOAP; the sections are data). The
attendees of one group meeting share its narrative (`PUT /group-sessions/{id}`) and each has
their own sections. Absent or excused voids the draft. `POST /notes/{id}/sign` locks it
(`treatment.note.signed`); a signed note cannot change (409) but takes signed, timestamped
addenda. A note signed more than `note_signing_hours` (72) after its session is a late entry; a
draft still unsigned then raises `treatment.note.overdue` once.

**Discharge.** When intake ends an enrollment (`intake.enrollment.completed` or `.discharged`), a
discharge summary draft is made from the plan in force: objectives met, not met (their ids travel
in `treatment.discharge_summary.drafted`) and discontinued.

**Privacy.** Events carry ids, codes, dates and statuses only: the text of plans, notes and
summaries never leaves this service.

**Site settings** (sites file, key `treatment`, every key optional): `required_signatures`
(["clinician", "patient"]), `supervisor_signature` (false), `adolescent_programs` (["adolescent"]),
`first_plan_due_days` (7), `review_interval_days` (30), `note_signing_hours` (72), `note_format`
("DAP")."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP treatment",
        description=DESCRIPTION,
        blueprints=[plans.blp, notes.blp, group_sessions.blp, discharge_summaries.blp],
        config=config,
    )
