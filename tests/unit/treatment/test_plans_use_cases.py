"""Plans on the in-memory store: drafted from the diagnoses intake reported, signed by the roles the
site requires into force (and locked), revised into a new version that supersedes it, reviewed."""
from dataclasses import replace

import pytest

from services.treatment.store import PLANS, plan_version_id
from services.treatment.use_cases import enrollments, plans
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.treatment.support import (
    OTHER_SITE,
    SITE,
    TODAY,
    active_plan,
    admission,
    admitted,
    content_of,
    deliver,
    discharge,
    events,
    level_of_care_change,
    objective_ids,
    request,
)


def test_a_draft_is_prefilled_with_one_problem_per_reported_diagnosis(store, site):
    admitted(store, site, codes=(("F41.1", 2), ("F33.1", 1)))
    draft = plans.create_plan(store, request(), site, "enr-1")
    assert (draft["_id"], draft["plan_version"], draft["status"]) == (plan_version_id(SITE, "enr-1", 1), 1, "draft")
    assert [problem["diagnosis_code"] for problem in draft["problems"]] == ["F33.1", "F41.1"]
    assert draft["required_signatures"] == ["clinician", "patient"]


def test_an_enrollment_not_heard_of_is_an_invalid_field(store, site):
    with pytest.raises(Invalid) as refused:
        plans.create_plan(store, request(), site, "enr-unknown")
    assert list(refused.value.errors) == ["enrollment_id"]


def test_another_sites_enrollment_is_not_known_here(store, context):
    admitted(store, context.site(SITE))
    with pytest.raises(Invalid):
        plans.create_plan(store, request(OTHER_SITE), context.site(OTHER_SITE), "enr-1")


def test_an_enrollment_has_one_plan_a_second_draft_is_a_conflict(store, site):
    admitted(store, site)
    plans.create_plan(store, request(), site, "enr-1")
    with pytest.raises(Conflict):
        plans.create_plan(store, request(), site, "enr-1")


def test_an_ended_enrollment_gets_no_new_plan(store, site):
    admitted(store, site)
    deliver(store, site, discharge(), lambda store, cause, site, event: enrollments.record_end(store, cause, event.payload))
    with pytest.raises(Conflict):
        plans.create_plan(store, request(), site, "enr-1")


def test_an_adolescent_programs_plan_is_signed_by_a_guardian(store, site):
    deliver(store, site, admission(program="adolescent"), enrollments.record_admission)
    assert plans.create_plan(store, request(), site, "enr-1")["required_signatures"] == ["clinician", "guardian"]


def test_the_required_signatures_activate_the_plan_and_lock_it(store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    assert (plan["status"], plan["effective_date"], [s["role"] for s in plan["signatures"]]) == (
        "active", TODAY, ["clinician", "patient"])
    [activated] = events(store, PLANS, "treatment.plan.activated")
    assert activated["payload"] == {"plan_id": plan["_id"], "enrollment_id": "enr-1", "patient_id": "pat-1",
                                    "version": 1, "next_review_date": "2026-12-26"}
    with pytest.raises(Conflict):
        plans.edit_plan(store, request(), plan["_id"], content_of(plan))


def test_a_site_requiring_a_supervisor_waits_for_the_supervisor(store, context):
    site = replace(context.site(SITE), options={"treatment": {"supervisor_signature": True}})
    admitted(store, site)
    plan = active_plan(store, site)
    assert plan["status"] == "draft"
    assert plans.sign_plan(store, request(), site, plan["_id"], "supervisor", "staff-9")["status"] == "active"


def test_a_change_makes_a_new_version_that_needs_signing_and_then_supersedes_the_old_one(store, site):
    admitted(store, site)
    first = active_plan(store, site)
    revision = plans.revise_plan(store, request(), site, first["_id"])
    assert (revision["plan_version"], revision["status"], revision["previous_version_id"]) == (2, "draft", first["_id"])
    content = content_of(revision)
    content["problems"][0]["goals"][0]["objectives"][0]["id"] = objective_ids(first)[0]
    plans.edit_plan(store, request(), revision["_id"], content)
    plans.sign_plan(store, request(), site, revision["_id"], "clinician", "staff-1")
    assert plans.find_plan(store, SITE, first["_id"])["status"] == "active"
    second = plans.sign_plan(store, request(), site, revision["_id"], "patient", "patient")
    assert second["status"] == "active"
    old = plans.find_plan(store, SITE, first["_id"])
    assert (old["status"], old["superseded_by"]) == ("superseded", second["_id"])
    assert objective_ids(second)[0] == objective_ids(first)[0]
    assert [e["payload"]["version"] for e in events(store, PLANS, "treatment.plan.activated")] == [1, 2]


def test_only_the_latest_version_is_revised(store, site):
    admitted(store, site)
    first = active_plan(store, site)
    plans.revise_plan(store, request(), site, first["_id"])
    with pytest.raises(Conflict):
        plans.revise_plan(store, request(), site, first["_id"])


def test_a_review_records_progress_and_sets_the_next_review_date(store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    first, second = objective_ids(plan)
    reviewed = plans.review_plan(store, request(), site, plan["_id"], {"progress": [
        {"objective_id": first, "status": "met"}, {"objective_id": second, "status": "not_met"}]})
    assert [review["reviewed_on"] for review in reviewed["reviews"]] == [TODAY]
    assert reviewed["next_review_date"] == reviewed["reviews"][0]["next_review_date"]


def test_a_level_of_care_change_brings_the_review_of_the_plan_in_force_forward(store, site):
    from datetime import timedelta

    admitted(store, site)
    plan = active_plan(store, site)
    change = level_of_care_change(TODAY + timedelta(days=3))
    deliver(store, site, change, enrollments.record_level_of_care_change)
    deliver(store, site, change, enrollments.record_level_of_care_change)
    plan = plans.find_plan(store, SITE, plan["_id"])
    assert (plan["next_review_date"], plan["level_of_care_reviews"]) == (TODAY + timedelta(days=3),
                                                                         [TODAY + timedelta(days=3)])


def test_another_sites_plan_is_not_found(store, site, context):
    admitted(store, site)
    draft = plans.create_plan(store, request(), site, "enr-1")
    with pytest.raises(NotFound):
        plans.edit_plan(store, request(OTHER_SITE), draft["_id"], content_of(draft))
    with pytest.raises(NotFound):
        plans.sign_plan(store, request(OTHER_SITE), context.site(OTHER_SITE), draft["_id"], "clinician", "staff-1")
