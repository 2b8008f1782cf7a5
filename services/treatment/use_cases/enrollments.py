"""What treatment learns of intake's enrollments from its events: the admission, the diagnoses a plan
is drafted from, changes of level of care (each makes a review of the plan in force due) and the end.

Each fact is applied to the enrollment's one document, made when the first of its events arrives;
applying a fact twice changes nothing, so every handler here may be delivered again.
"""
from collections.abc import Callable

from services.treatment.domain import enrollments as rules
from services.treatment.domain import plans as plan_rules
from services.treatment.store import TreatmentStore, enrollment_record_id
from shared.cause import Cause
from shared.errors import Invalid
from shared.events import Event
from shared.sites import Site

UNKNOWN_ENROLLMENT = ("No enrollment of this site known to treatment: intake's admission of it may not have "
                      "arrived yet; retry shortly.")


def record_admission(store: TreatmentStore, cause: Cause, site: Site, admitted: Event) -> dict:
    """intake.enrollment.admitted: the enrollment's program and dates (its first plan is due from them)."""
    payload = admitted.payload
    return record_fact(store, cause, payload["enrollment_id"], payload["patient_id"],
                       lambda enrollment: rules.admitted(enrollment, payload, admitted.occurred_at))


def record_diagnoses(store: TreatmentStore, cause: Cause, site: Site, updated: Event) -> dict:
    """intake.diagnoses.updated: the codes a new plan's problems are drafted from (latest report wins)."""
    payload = updated.payload
    return record_fact(store, cause, payload["enrollment_id"], payload["patient_id"],
                       lambda enrollment: rules.diagnoses_reported(enrollment, payload["diagnoses"], updated.occurred_at))


def record_level_of_care_change(store: TreatmentStore, cause: Cause, site: Site, changed: Event) -> None:
    """intake.level_of_care.changed: recorded on the enrollment, and a review of the plan in force
    falls due on the change's effective day (a plan signed on or after that day answers it)."""
    payload = changed.payload
    record_fact(store, cause, payload["enrollment_id"], payload["patient_id"],
                lambda enrollment: rules.level_of_care_changed(enrollment, payload))
    plan = plan_rules.in_force(store.plans.find({"site_id": cause.site_id, "enrollment_id": payload["enrollment_id"],
                                                 "status": plan_rules.ACTIVE}))
    if plan is not None:
        store.plans.modify({"_id": plan["_id"], "site_id": cause.site_id},
                           lambda current: plan_rules.level_of_care_changed(current, payload["effective_date"]))


def record_end(store: TreatmentStore, cause: Cause, discharge: dict) -> dict:
    """intake.enrollment.completed or .discharged: the enrollment ended; no plan is due any more."""
    return record_fact(store, cause, discharge["enrollment_id"], discharge["patient_id"],
                       lambda enrollment: rules.ended(enrollment, discharge))


def record_fact(store: TreatmentStore, cause: Cause, enrollment_id: str, patient_id: str,
                change: Callable[[dict], dict | None]) -> dict:
    """Apply ``change(enrollment) -> fields or None`` to the enrollment's document, made if missing."""
    record_id = enrollment_record_id(cause.site_id, enrollment_id)

    def fields_and_no_events(enrollment):
        fields = change(enrollment)
        return None if fields is None else (fields, [])

    return store.enrollments.modify_or_insert(
        {"_id": record_id, "site_id": cause.site_id},
        {**rules.new_enrollment(record_id, enrollment_id, patient_id), "site_id": cause.site_id,
         "correlation_id": cause.correlation_id},
        fields_and_no_events)


def known_enrollment(store: TreatmentStore, site_id: str, enrollment_id: str) -> dict:
    """The enrollment as treatment knows it; a body naming one it does not know (yet), or another
    site's, is an invalid field (422), not a missing resource."""
    enrollment = store.enrollments.find_one({"site_id": site_id, "enrollment_id": enrollment_id})
    if enrollment is None:
        raise Invalid({"enrollment_id": [UNKNOWN_ENROLLMENT]})
    return enrollment
