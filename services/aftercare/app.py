"""The aftercare API: ``gunicorn 'services.aftercare.app:create_app()'``."""
from services.aftercare.api import disclosures, plans, providers, referrals, reports, tasks
from services.aftercare.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Aftercare plans made automatically when an enrollment ends, closed-loop referrals to the
next level of care, the site's provider directory, consent before disclosure and the accounting of
disclosures, the referral packet, follow-up tracking and case-management tasks.

**Plans** are made by events (intake.enrollment.completed: the step_down plan with a follow-up
appointment due within 7 days, the step-down referral, a relapse-prevention plan and the medication
handoff; intake.enrollment.discharged: the re_engagement plan with outreach due within one business
day; `transferred`: the transfer plan, the step-down referral and the medication handoff, no
outreach; `death`: the closing plan, one closing task, no outreach, no follow-up, never replaced by a
site template). scheduling.appointment.booked/attended tie and close the follow-up task,
medication.reconciliation.completed closes the handoff, treatment.discharge_summary.drafted links the
summary and carries its unmet objectives over as goals, in whatever order they arrive.

**Tasks.** Absence escalations, risk flags and severe side effects raise same-day tasks;
scheduling.intensity.below_minimum an intensity_review (once per enrollment-week);
treatment.plan.review_due a treatment_plan or treatment_plan_review task for the clinician (closed by
treatment.plan.activated / .reviewed); treatment.note.overdue a session_note task for the note's
author role (closed by treatment.note.signed); intake.measurement.overdue a re_measurement task (once
per patient, instrument and due date). Sweeps raise aftercare.follow_up.overdue with an escalation
task, and referral follow-up tasks.

**Suicide-risk pathway.** A positive screen (intake.risk.flagged) opens a same-day safety_screening
task, completed only once a risk level (a C-SSRS screen: intake.risk.flagged or
intake.assessment.recorded) and a safety plan (intake.safety_plan.recorded) are recorded on or after
the screen; otherwise 409 with problem type `.../problems/safety-assessment-required`. A plan names
the patient's current safety plan (`safety_plan`: id and version) and latest risk level, whenever
they arrive.

**Reports** (operator keys see every site): `/reports/follow-up` and `/reports/tasks` (open and
overdue case-management tasks per site and kind, counted by the database).

**Provider directory** (`/providers`): organisations the site refers to, NPI checked (Luhn, prefix
80840). A referral names an entry by `provider_id`; a name typed by a clinician (`provider_name`, a
discharge's step-down provider, which arrives as its name code `name:…`) matches the entry of the
same folded name or becomes a new entry.

**Consent and disclosure (42 CFR Part 2).** For a substance-use program (`substance_use` in the
site's program catalog), sending a referral or producing its packet needs an active consent (from
intake.consent.granted, not revoked, not expired) naming the provider, or a class of recipients,
for treatment: otherwise 409 with problem type `.../problems/consent-required`. Every disclosure
(referral sent, packet, medication list) is in `GET /disclosures?patient_id=`.

**The referral packet** (`GET /referrals/{id}/packet`, JSON, or a printable page with
`Accept: text/html`) reads intake, medication, scheduling and treatment with the caller's key through
`IOP_GATEWAY_URL`; a part that cannot be read is marked missing, with why.

**Follow-up** is measured as `iop_follow_up`, this project's own measure, not HEDIS FUH
(`/reports/follow-up`): a visit with any provider within 7 and 30 days after an IOP discharge;
deaths and transfers to a higher level of care are excluded.

A site may replace the plan templates with `aftercare_templates` ({program: {outcome: template}},
"*" for any; not for `death`) and the referral acceptance delay with
`aftercare_referral_acceptance_business_days` (default 5) in the sites file."""

# The printable packet's style is inline; it loads nothing else.
PACKET_PAGE_CSP = {"default-src": "'none'", "style-src": "'unsafe-inline'", "frame-ancestors": "'none'"}


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    app = create_service_app(
        context or bootstrap(),
        title="IOP aftercare",
        description=DESCRIPTION,
        blueprints=[plans.blp, tasks.blp, referrals.blp, providers.blp, disclosures.blp, reports.blp],
        config=config,
    )
    app.view_functions["referrals.referral_packet"].talisman_view_options = {"content_security_policy": PACKET_PAGE_CSP}
    return app
