"""Drafting, editing, signing, revising and reviewing treatment plans.

Each change and its event are one atomic write on the plan version's document (its outbox). When
a new version becomes active, the versions it replaces are superseded in a second write; should
the process stop in between, the review sweep finds two active versions and supersedes the older
one, and until then the plan in force is the active version of the highest number.
"""
import uuid
from collections.abc import Callable

from services.treatment.domain import plans as rules
from services.treatment.domain.enrollments import ACTIVE as ENROLLMENT_ACTIVE
from services.treatment.domain.enrollments import level_of_care_dates
from services.treatment.domain.site_settings import settings_for
from services.treatment.store import TreatmentStore, plan_version_id
from services.treatment.use_cases.enrollments import known_enrollment
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, NotFound
from shared.sites import Site


def _new_id() -> str:
    return str(uuid.uuid4())


def create_plan(store: TreatmentStore, cause: Cause, site: Site, enrollment_id: str) -> dict:
    """Version 1 of the enrollment's plan, a draft with one problem per diagnosis intake reported.
    422 for an enrollment not known at the site; 409 when it ended or has a plan already."""
    enrollment = known_enrollment(store, site.id, enrollment_id)
    if enrollment["status"] != ENROLLMENT_ACTIVE:
        raise Conflict(f"The enrollment is {enrollment['status']}: no new plan is drafted for it.")
    plan_id = plan_version_id(site.id, enrollment_id, 1)
    required = settings_for(site).signatures_for(enrollment["program"])
    plan = rules.new_draft(plan_id, enrollment, required, _new_id, clock.now(), cause.actor)
    if not store.plans.insert_once({**plan, "site_id": site.id, "correlation_id": cause.correlation_id}):
        raise Conflict(f"The enrollment has a plan already ({plan_id}): edit its draft, or revise its active version.")
    return store.plans.find_one({"_id": plan_id, "site_id": site.id})


def edit_plan(store: TreatmentStore, cause: Cause, plan_id: str, content: dict) -> dict:
    """The draft with new content (409 once it is active: revise it instead)."""
    plan = find_plan(store, cause.site_id, plan_id)
    enrollment = known_enrollment(store, cause.site_id, plan["enrollment_id"])
    codes = {diagnosis["code"] for diagnosis in enrollment["diagnoses"]}
    now = clock.now()
    return _change(store, cause, plan_id, lambda current: rules.edit(current, content, codes, _new_id, now))


def sign_plan(store: TreatmentStore, cause: Cause, site: Site, plan_id: str, role: str, signer: str) -> dict:
    """A required signature; the last one makes the version active (treatment.plan.activated) and
    supersedes the version it revised."""
    plan = find_plan(store, site.id, plan_id)
    enrollment = known_enrollment(store, site.id, plan["enrollment_id"])
    interval, now, today = settings_for(site).review_interval_days, clock.now(), site.today()
    signed = _change(store, cause, plan_id, lambda current: rules.sign(
        current, role, signer, now=now, today=today, actor=cause.actor, review_interval_days=interval,
        level_of_care_dates=level_of_care_dates(enrollment)))
    if signed["status"] == rules.ACTIVE:
        supersede_older_versions(store, cause, signed)
    return signed


def supersede_older_versions(store: TreatmentStore, cause: Cause, plan: dict) -> int:
    """Supersede every other active version of the plan's enrollment below its number; returns how many."""
    older = [other for other in store.plans.find({"site_id": cause.site_id, "enrollment_id": plan["enrollment_id"],
                                                  "status": rules.ACTIVE})
             if other["plan_version"] < plan["plan_version"]]
    now = clock.now()
    for other in older:
        store.plans.modify({"_id": other["_id"], "site_id": cause.site_id},
                           lambda current: rules.supersede(current, plan["_id"], now), cause)
    return len(older)


def revise_plan(store: TreatmentStore, cause: Cause, site: Site, plan_id: str) -> dict:
    """The next version of an active plan, a draft to edit and sign again (409 when the plan is no
    longer the latest version, or is not active)."""
    plan = find_plan(store, site.id, plan_id)
    enrollment = known_enrollment(store, site.id, plan["enrollment_id"])
    new_id = plan_version_id(site.id, plan["enrollment_id"], plan["plan_version"] + 1)
    required = settings_for(site).signatures_for(enrollment["program"])
    draft = rules.revise(plan, new_id, required, clock.now(), cause.actor)
    if not store.plans.insert_once({**draft, "site_id": site.id, "correlation_id": cause.correlation_id}):
        raise Conflict(f"Version {draft['plan_version']} of this plan exists already ({new_id}): edit that draft.")
    return store.plans.find_one({"_id": new_id, "site_id": site.id})


def review_plan(store: TreatmentStore, cause: Cause, site: Site, plan_id: str, given: dict) -> dict:
    """A review of the plan in force: each objective's progress and the next review date."""
    interval, now, today = settings_for(site).review_interval_days, clock.now(), site.today()
    return _change(store, cause, plan_id, lambda current: rules.review(
        current, given, _new_id(), now=now, today=today, actor=cause.actor, review_interval_days=interval))


def find_plan(store: TreatmentStore, site_id: str, plan_id: str) -> dict:
    plan = store.plans.find_one({"_id": plan_id, "site_id": site_id})
    if plan is None:
        raise NotFound(f"No treatment plan {plan_id} at this site.")
    return plan


def objective_ids_of_enrollment(store: TreatmentStore, site_id: str, enrollment_id: str) -> set[str]:
    """Every objective of every version of the enrollment's plan (ids stay the same across versions)."""
    plans = store.plans.find({"site_id": site_id, "enrollment_id": enrollment_id}, projection={"problems": 1})
    return {objective["id"] for plan in plans for _, _, objective in rules.objectives_of(plan)}


def _change(store: TreatmentStore, cause: Cause, plan_id: str, rule: Callable[[dict], rules.Change]) -> dict:
    changed = store.plans.modify({"_id": plan_id, "site_id": cause.site_id}, rule, cause)
    if changed is None:
        raise NotFound(f"No treatment plan {plan_id} at this site.")
    return changed
