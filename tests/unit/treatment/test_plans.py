"""Treatment plan rules: the draft from the diagnoses, editing with kept ids, what signing needs,
activation and its event, revisions, reviews and when one falls due."""
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from services.treatment.domain import plans as rules
from shared.errors import Conflict, Invalid
from shared.events.registry import DomainEvent

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 26)
ENROLLMENT = {"enrollment_id": "enr-1", "patient_id": "pat-1", "program": "mh-adult",
              "diagnoses": [{"code": "F41.1", "rank": 2}, {"code": "F33.1", "rank": 1}]}


def ids():
    counter = itertools.count(1)
    return lambda: f"id-{next(counter)}"


def a_draft(required=("clinician", "patient")) -> dict:
    return rules.new_draft("plan-1", ENROLLMENT, required, ids(), NOW, "front-end")


def complete(plan: dict) -> dict:
    content = {"problems": [{"id": problem["id"], "description": "Low mood", "diagnosis_code": problem["diagnosis_code"],
                             "goals": [{"description": "Feel better", "objectives": [
                                 {"description": "PHQ-9 below 10", "target_date": date(2026, 12, 31),
                                  "measure": "PHQ-9 every two weeks"}]}]} for problem in plan["problems"]],
               "interventions": [{"modality": "individual", "description": "CBT", "frequency": "weekly",
                                  "responsible_role": "therapist"}]}
    changes, _ = rules.edit(plan, content, {"F33.1", "F41.1"}, ids_after(plan), NOW)
    return {**plan, **changes}


def ids_after(plan):
    counter = itertools.count(100)
    return lambda: f"id-{next(counter)}"


def signed(plan: dict, *roles: str, today: date = TODAY, loc_dates=()) -> dict:
    for role in roles:
        changes, _ = rules.sign(plan, role, "staff-1", now=NOW, today=today, actor="front-end",
                                review_interval_days=30, level_of_care_dates=list(loc_dates))
        plan = {**plan, **changes}
    return plan


def objectives(plan):
    return [objective for _, _, objective in rules.objectives_of(plan)]


# --- the draft -------------------------------------------------------------------------------

def test_a_draft_has_one_problem_per_reported_diagnosis_primary_first():
    draft = a_draft()
    assert [(problem["diagnosis_code"], problem["description"], problem["goals"]) for problem in draft["problems"]] == [
        ("F33.1", None, []), ("F41.1", None, [])]


def test_a_draft_without_reported_diagnoses_starts_empty():
    draft = rules.new_draft("plan-1", {**ENROLLMENT, "diagnoses": []}, ("clinician",), ids(), NOW, "front-end")
    assert (draft["problems"], draft["status"], draft["plan_version"]) == ([], "draft", 1)


# --- editing ---------------------------------------------------------------------------------

def test_an_edit_keeps_the_ids_given_and_makes_new_ones_for_new_items():
    draft = a_draft()
    edited = complete(draft)
    assert [problem["id"] for problem in edited["problems"]] == [problem["id"] for problem in draft["problems"]]
    assert all(objective["id"].startswith("id-1") for objective in objectives(edited))


def test_an_edit_naming_an_id_that_is_not_the_drafts_is_refused_on_that_id():
    with pytest.raises(Invalid) as refused:
        rules.edit(a_draft(), {"problems": [{"id": "elsewhere", "goals": []}], "interventions": []}, set(), ids(), NOW)
    assert list(refused.value.errors) == ["problems.0.id"]


def test_an_edit_giving_one_id_twice_is_refused():
    draft = a_draft()
    twice = {"problems": [{"id": draft["problems"][0]["id"], "goals": []}] * 2, "interventions": []}
    with pytest.raises(Invalid) as refused:
        rules.edit(draft, twice, set(), ids(), NOW)
    assert refused.value.errors == {"problems.1.id": ["Given twice."]}


def test_a_problem_may_name_only_one_of_the_enrollments_diagnoses():
    content = {"problems": [{"description": "x", "diagnosis_code": "F99", "goals": []}], "interventions": []}
    with pytest.raises(Invalid) as refused:
        rules.edit(a_draft(), content, {"F33.1"}, ids(), NOW)
    assert list(refused.value.errors) == ["problems.0.diagnosis_code"]


def test_an_edit_clears_the_signatures_already_given():
    draft = signed(complete(a_draft()), "clinician")
    changes, _ = rules.edit(draft, {"problems": [], "interventions": []}, set(), ids(), NOW)
    assert changes["signatures"] == []


def test_an_active_plan_cannot_be_edited():
    with pytest.raises(Conflict):
        rules.edit(signed(complete(a_draft()), "clinician", "patient"), {"problems": [], "interventions": []},
                   set(), ids(), NOW)


# --- signing ---------------------------------------------------------------------------------

def test_an_incomplete_plan_cannot_be_signed_and_the_gaps_are_named():
    with pytest.raises(Invalid) as refused:
        signed(a_draft(), "clinician")
    assert refused.value.errors == {
        "interventions": ["A plan needs at least one intervention."],
        "problems.0.description": ["Required before the plan is signed."],
        "problems.0.goals": ["At least one goal is required before the plan is signed."],
        "problems.1.description": ["Required before the plan is signed."],
        "problems.1.goals": ["At least one goal is required before the plan is signed."]}


def test_one_signature_of_two_keeps_the_plan_a_draft_without_an_event():
    plan = complete(a_draft())
    changes, events = rules.sign(plan, "clinician", "staff-1", now=NOW, today=TODAY, actor="front-end",
                                 review_interval_days=30, level_of_care_dates=[])
    assert (changes.get("status"), events) == (None, [])
    assert changes["signatures"] == [{"role": "clinician", "signer": "staff-1", "signed_at": NOW,
                                      "recorded_by": "front-end"}]


def test_the_last_required_signature_activates_the_plan_with_its_first_review_in_30_days():
    plan = signed(complete(a_draft()), "clinician")
    changes, events = rules.sign(plan, "patient", "patient", now=NOW, today=TODAY, actor="front-end",
                                 review_interval_days=30, level_of_care_dates=[])
    assert (changes["status"], changes["effective_date"], changes["next_review_date"]) == (
        "active", TODAY, date(2026, 12, 26))
    assert events == [DomainEvent("treatment.plan.activated", 1, {
        "plan_id": "plan-1", "enrollment_id": "enr-1", "patient_id": "pat-1", "version": 1,
        "next_review_date": "2026-12-26"})]


def test_a_role_the_plan_does_not_require_is_refused_on_role():
    with pytest.raises(Invalid) as refused:
        signed(complete(a_draft(("clinician", "guardian"))), "patient")
    assert list(refused.value.errors) == ["role"]


def test_a_role_cannot_sign_twice():
    with pytest.raises(Conflict):
        signed(complete(a_draft(("clinician", "patient", "supervisor"))), "clinician", "clinician")


def test_an_active_plan_takes_no_more_signatures():
    with pytest.raises(Conflict):
        signed(complete(a_draft()), "clinician", "patient", "clinician")


def test_a_level_of_care_change_after_activation_already_known_brings_the_first_review_forward():
    plan = signed(complete(a_draft()), "clinician", "patient", loc_dates=[date(2026, 11, 1), date(2026, 12, 7)])
    assert (plan["next_review_date"], plan["level_of_care_reviews"]) == (date(2026, 12, 7), [date(2026, 12, 7)])


# --- versions --------------------------------------------------------------------------------

def test_a_revision_is_the_next_version_a_draft_with_the_same_content_and_no_signatures():
    active = signed(complete(a_draft()), "clinician", "patient")
    revision = rules.revise(active, "plan-2", ("clinician", "patient"), NOW, "front-end")
    assert (revision["plan_version"], revision["status"], revision["previous_version_id"], revision["signatures"]) == (
        2, "draft", "plan-1", [])
    assert revision["problems"] == active["problems"]


def test_only_an_active_plan_is_revised():
    with pytest.raises(Conflict):
        rules.revise(a_draft(), "plan-2", ("clinician",), NOW, "front-end")


def test_the_plan_in_force_is_the_active_version_of_the_highest_number():
    versions = [{"plan_version": 1, "status": "active"}, {"plan_version": 3, "status": "draft"}, {"plan_version": 2, "status": "active"}]
    assert rules.in_force(versions)["plan_version"] == 2
    assert rules.in_force([{"plan_version": 1, "status": "draft"}]) is None


def test_superseding_is_done_once():
    active = signed(complete(a_draft()), "clinician", "patient")
    changes, _ = rules.supersede(active, "plan-2", NOW)
    assert changes["status"] == "superseded"
    assert rules.supersede({**active, **changes}, "plan-2", NOW) is None


# --- reviews ---------------------------------------------------------------------------------

def reviewed(plan, progress, **given):
    changes, events = rules.review(plan, {"progress": progress, **given}, "rev-1", now=NOW, today=TODAY,
                                   actor="front-end", review_interval_days=30)
    assert [event.event_type for event in events] == ["treatment.plan.reviewed"]
    return {**plan, **changes}


def test_a_review_records_each_objectives_progress_and_the_next_review_in_30_days():
    plan = signed(complete(a_draft()), "clinician", "patient", today=date(2026, 11, 1))
    first, second = objectives(plan)
    after = reviewed(plan, [{"objective_id": first["id"], "status": "met"},
                            {"objective_id": second["id"], "status": "progressing"}])
    assert [(objective["progress"], objective["progress_on"]) for objective in objectives(after)] == [
        ("met", TODAY), ("progressing", TODAY)]
    assert after["next_review_date"] == date(2026, 12, 26)
    assert after["reviews"][0]["reviewed_on"] == TODAY


def test_a_review_must_give_every_objective_not_yet_met_or_discontinued():
    plan = signed(complete(a_draft()), "clinician", "patient")
    first, second = objectives(plan)
    with pytest.raises(Invalid) as refused:
        reviewed(plan, [{"objective_id": first["id"], "status": "met"}])
    assert list(refused.value.errors) == ["progress"]
    after = reviewed(plan, [{"objective_id": first["id"], "status": "met"},
                            {"objective_id": second["id"], "status": "discontinued"}])
    assert reviewed(after, [])["reviews"][-1]["progress"] == []


def test_a_review_naming_an_objective_of_another_plan_is_refused_on_it():
    plan = signed(complete(a_draft()), "clinician", "patient")
    progress = [{"objective_id": objective["id"], "status": "met"} for objective in objectives(plan)]
    with pytest.raises(Invalid) as refused:
        reviewed(plan, [*progress, {"objective_id": "elsewhere", "status": "met"}])
    assert list(refused.value.errors) == ["progress.2.objective_id"]


def test_the_next_review_may_be_sooner_but_never_later_than_the_interval():
    plan = signed(complete(a_draft()), "clinician", "patient", today=date(2026, 11, 20))
    progress = [{"objective_id": objective["id"], "status": "progressing"} for objective in objectives(plan)]
    assert reviewed(plan, progress, next_review_date=date(2026, 12, 3))["next_review_date"] == date(2026, 12, 3)
    with pytest.raises(Invalid) as refused:
        reviewed(plan, progress, next_review_date=date(2026, 12, 27))
    assert list(refused.value.errors) == ["next_review_date"]


def test_a_draft_is_not_reviewed():
    with pytest.raises(Conflict):
        reviewed(complete(a_draft()), [])


# --- when a review is due ---------------------------------------------------------------------

def test_a_level_of_care_change_after_the_plan_took_effect_makes_a_review_due_that_day():
    plan = signed(complete(a_draft()), "clinician", "patient", today=date(2026, 11, 1))
    changes, _ = rules.level_of_care_changed(plan, date(2026, 11, 20))
    plan = {**plan, **changes}
    assert (plan["next_review_date"], rules.review_trigger(plan)) == (date(2026, 11, 20), "level_of_care_change")
    assert rules.level_of_care_changed(plan, date(2026, 11, 20)) is None


def test_a_change_on_or_before_the_day_the_plan_took_effect_is_answered_by_the_plan():
    plan = signed(complete(a_draft()), "clinician", "patient")
    assert rules.level_of_care_changed(plan, TODAY) is None


def test_a_review_on_or_after_the_change_answers_it():
    plan = signed(complete(a_draft()), "clinician", "patient", today=date(2026, 11, 1))
    plan = {**plan, **rules.level_of_care_changed(plan, date(2026, 11, 20))[0]}
    after = reviewed(plan, [{"objective_id": objective["id"], "status": "progressing"} for objective in objectives(plan)])
    assert (after["level_of_care_reviews"], after["next_review_date"]) == ([], date(2026, 12, 26))
    assert rules.level_of_care_changed(after, date(2026, 11, 20)) is None


def test_a_review_due_is_raised_from_its_day_once_per_due_date():
    plan = signed(complete(a_draft()), "clinician", "patient", today=date(2026, 10, 1))
    due = plan["next_review_date"]
    assert rules.raise_review_due(plan, due - timedelta(days=1)) is None
    changes, [event] = rules.raise_review_due(plan, due)
    assert event.payload == {"enrollment_id": "enr-1", "patient_id": "pat-1", "plan_id": "plan-1",
                             "due_date": "2026-10-31", "kind": "review", "trigger": "scheduled"}
    assert rules.raise_review_due({**plan, **changes}, due + timedelta(days=3)) is None


def test_a_review_emits_plan_reviewed_with_ids_and_dates_only():
    plan = signed(complete(a_draft()), "clinician", "patient")
    progress = [{"objective_id": objective["id"], "status": "met", "comment": "free text stays here"}
                for objective in objectives(plan)]
    _, events = rules.review(plan, {"progress": progress}, "rev-1", now=NOW, today=TODAY, actor="front-end",
                             review_interval_days=30)
    assert events == [DomainEvent("treatment.plan.reviewed", 1, {
        "plan_id": "plan-1", "review_id": "rev-1", "enrollment_id": "enr-1", "patient_id": "pat-1",
        "reviewed_on": "2026-11-26", "next_review_date": "2026-12-26"})]
