"""The discharge summary drafted when intake ends an enrollment (completed or any other outcome).

Exactly one per enrollment however often the discharge is delivered: its id derives from the
enrollment and the unique index on (site_id, enrollment_id) keeps it so. It is made from the plan
as it is when the event is handled, which is moments after the discharge.
"""
from services.treatment.domain import notes as note_rules
from services.treatment.domain import plans as plan_rules
from services.treatment.domain.discharge_summaries import draft_summary
from services.treatment.store import TreatmentStore, summary_id_for
from services.treatment.use_cases.enrollments import record_end
from shared import clock
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site


def draft_at_discharge(store: TreatmentStore, cause: Cause, site: Site, ended: Event) -> bool:
    """Record the end of the enrollment, then draft its summary from the plan in force (or the latest
    version when none was ever signed) and emit treatment.discharge_summary.drafted; False when the
    summary exists already."""
    discharge = ended.payload
    record_end(store, cause, discharge)
    selector = {"site_id": site.id, "enrollment_id": discharge["enrollment_id"]}
    plans = store.plans.find(selector)
    plan = plan_rules.in_force(plans) or max(plans, key=lambda version: version["plan_version"], default=None)
    signed_notes = store.notes.count({**selector, "status": note_rules.SIGNED})
    summary, events = draft_summary(summary_id_for(site.id, discharge["enrollment_id"]), discharge, plan,
                                    signed_notes, clock.now())
    return store.discharge_summaries.insert_once(
        {**summary, "site_id": site.id, "correlation_id": cause.correlation_id, "caused_by": cause.causation_id},
        events, cause)
