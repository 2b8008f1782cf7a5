"""The discharge summary on the in-memory store: one per enrollment from the plan in force, with its event."""
from services.treatment.domain import plans as plan_rules
from services.treatment.store import DISCHARGE_SUMMARIES, summary_id_for
from services.treatment.use_cases import plans, summaries
from tests.unit.treatment.support import SITE, active_plan, admitted, deliver, discharge, events, request


def test_a_completion_drafts_a_summary_of_the_objectives_met_and_not_met(store, site):
    admitted(store, site)
    plan = active_plan(store, site)
    first, second = [o["id"] for _, _, o in plan_rules.objectives_of(plan)]
    plans.review_plan(store, request(), site, plan["_id"], {"progress": [
        {"objective_id": first, "status": "met"}, {"objective_id": second, "status": "progressing"}]})
    ended = discharge()
    assert deliver(store, site, ended, summaries.draft_at_discharge) is True
    summary = store.discharge_summaries.find_one({"_id": summary_id_for(SITE, "enr-1")})
    assert (summary["plan_id"], summary["met_objective_ids"], summary["unmet_objective_ids"]) == (
        plan["_id"], [first], [second])
    [drafted] = events(store, DISCHARGE_SUMMARIES, "treatment.discharge_summary.drafted")
    assert (drafted["payload"]["objectives_met"], drafted["payload"]["unmet_objective_ids"]) == (1, [second])
    assert (drafted["causation_id"], drafted["correlation_id"]) == (ended.event_id, ended.correlation_id)


def test_a_discharge_delivered_again_makes_one_summary_and_one_event(store, site):
    admitted(store, site)
    ended = discharge("against_advice")
    deliver(store, site, ended, summaries.draft_at_discharge)
    assert deliver(store, site, ended, summaries.draft_at_discharge) is False
    assert store.discharge_summaries.count({"enrollment_id": "enr-1"}) == 1
    assert len(events(store, DISCHARGE_SUMMARIES)) == 1


def test_without_a_signed_plan_the_summary_is_made_from_the_draft(store, site):
    admitted(store, site)
    draft = plans.create_plan(store, request(), site, "enr-1")
    deliver(store, site, discharge(), summaries.draft_at_discharge)
    summary = store.discharge_summaries.find_one({})
    assert (summary["plan_id"], summary["plan_status"], len(summary["problems"])) == (draft["_id"], "draft", 2)


def test_the_discharge_ends_the_enrollment(store, site):
    admitted(store, site)
    deliver(store, site, discharge("administrative"), summaries.draft_at_discharge)
    assert store.enrollments.find_one({"enrollment_id": "enr-1"})["status"] == "discharged"
