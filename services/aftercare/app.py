"""The aftercare API: ``gunicorn 'services.aftercare.app:create_app()'``."""
from services.aftercare.api import plans, referrals, reports, tasks
from services.aftercare.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Aftercare plans made automatically when an enrollment ends, closed-loop referrals to the
next level of care, follow-up tracking and case-management tasks.

Plans are made by events (intake.enrollment.completed: the step_down plan with a follow-up
appointment due within 7 days, the step-down referral, a relapse-prevention plan and the medication
handoff; intake.enrollment.discharged: the re_engagement plan with outreach due within one business
day). scheduling.appointment.booked/attended tie and close the follow-up task,
medication.reconciliation.completed closes the handoff, in whatever order they arrive.
Absence escalations, risk flags and severe side effects raise tasks. Sweeps raise
aftercare.follow_up.overdue with an escalation task, and referral follow-up tasks.

A site may replace the plan templates with `aftercare_templates` ({program: {outcome: template}},
"*" for any) and the referral acceptance delay with `aftercare_referral_acceptance_business_days`
(default 5) in the sites file."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP aftercare",
        description=DESCRIPTION,
        blueprints=[plans.blp, tasks.blp, referrals.blp, reports.blp],
        config=config,
    )
