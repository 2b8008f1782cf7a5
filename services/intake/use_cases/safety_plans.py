"""Stanley-Brown safety plans: each one written is the patient's next version; the latest is in force.

A version is one document, written once with its intake.safety_plan.recorded event. Its number is
the patient's highest plus one; a unique index on (site, patient, version number) makes two plans written
at the same moment take two numbers rather than one (the loser reads the new highest and retries).
"""
import uuid

from pymongo.errors import DuplicateKeyError

from services.intake.domain import safety_plans as rules
from services.intake.store import IntakeStore
from services.intake.use_cases.patients import exists
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site
from shared.store import ConcurrentUpdate

ATTEMPTS = 5


def record(store: IntakeStore, cause: Cause, site: Site, patient_id: str, fields: dict) -> dict:
    """Write the patient's next safety plan version (fields of ``SafetyPlanCreate``; emits
    intake.safety_plan.recorded). ``NotFound`` for no such patient at the site; ``Invalid`` for
    an empty required step, a counselling after today, or an enrollment or assessment that is not
    this patient's."""
    if not exists(store, site.id, patient_id):
        raise NotFound(f"No patient {patient_id} at this site.")
    enrollment_id, assessment_id = fields.get("enrollment_id"), fields.get("assessment_id")
    _require_the_patients(store, site.id, patient_id, enrollment_id=enrollment_id, assessment_id=assessment_id)
    for _ in range(ATTEMPTS):
        plan_id, version = str(uuid.uuid4()), rules.next_version(_latest_version(store, site.id, patient_id))
        plan, event = rules.record(plan_id, patient_id, version, fields, site.today(),
                                   enrollment_id=enrollment_id, assessment_id=assessment_id)
        document = {"_id": plan_id, "site_id": site.id, "patient_id": patient_id, **plan,
                    "created_at": clock.now(), "recorded_by": cause.actor}
        try:
            return {**store.safety_plans.insert(document, [event], cause), "current": True}
        except DuplicateKeyError:
            continue  # another plan took this number in the meantime
    raise ConcurrentUpdate(f"safety_plans: gave up after {ATTEMPTS} concurrent versions")


def versions(store: IntakeStore, site_id: str, patient_id: str) -> list[dict]:
    """Every version of the patient's plan, newest first, the latest marked ``current``.
    ``NotFound`` for no such patient at the site."""
    if not exists(store, site_id, patient_id):
        raise NotFound(f"No patient {patient_id} at this site.")
    return rules.newest_first(store.safety_plans.find({"site_id": site_id, "patient_id": patient_id}))


def get(store: IntakeStore, site_id: str, plan_id: str) -> dict:
    """One version, marked ``current`` when no later version exists. ``NotFound`` for another site's."""
    plan = store.safety_plans.find_one({"_id": plan_id, "site_id": site_id})
    if plan is None:
        raise NotFound(f"No safety plan {plan_id} at this site.")
    return {**plan, "current": _latest_version(store, site_id, plan["patient_id"]) == plan["version_number"]}


def _latest_version(store: IntakeStore, site_id: str, patient_id: str) -> int | None:
    latest = store.safety_plans.find({"site_id": site_id, "patient_id": patient_id}, sort=[("version_number", -1)],
                                     limit=1, projection={"version_number": 1})
    return latest[0]["version_number"] if latest else None


def _require_the_patients(store: IntakeStore, site_id: str, patient_id: str, **linked: str | None) -> None:
    """The enrollment and the assessment a plan names must be this patient's at the site (422)."""
    collections = {"enrollment_id": store.enrollments, "assessment_id": store.assessments}
    errors = {field: [f"No {field.removesuffix('_id')} of this patient at this site."]
              for field, linked_id in linked.items()
              if linked_id is not None and collections[field].find_one(
                  {"_id": linked_id, "site_id": site_id, "patient_id": patient_id}, {"_id": 1}) is None}
    if errors:
        raise Invalid(errors)
