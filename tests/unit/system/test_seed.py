"""Seeded networks are realistic and deterministic from their seed."""
from collections import Counter
from datetime import date

from shared.config import DEMO_SITES_FILE
from shared.sites import load_sites
from system import seed

TODAY = date(2026, 11, 27)


def test_the_same_seed_plans_the_same_network_and_another_seed_another():
    assert seed.plan_network(["mpls", "stpaul"], 50, 7, TODAY) == seed.plan_network(["mpls", "stpaul"], 50, 7, TODAY)
    assert seed.plan_network(["mpls", "stpaul"], 50, 7, TODAY) != seed.plan_network(["mpls", "stpaul"], 50, 8, TODAY)


def test_patients_are_at_every_stage_at_every_site_with_every_outcome():
    plans = seed.plan_network(["mpls", "stpaul", "duluth"], 300, 1, TODAY)
    assert {(plan.site_id, plan.stage) for plan in plans} == {
        (site, stage) for site in ("mpls", "stpaul", "duluth") for stage in ("referred", "active", "completed", "discharged")}
    assert set(Counter(plan.outcome for plan in plans if plan.outcome)) == {"completed", *seed.OTHER_OUTCOMES}
    assert {plan.program for plan in plans} == set(seed.PROGRAMS)


def test_dates_are_consistent_and_never_in_the_future():
    for plan in seed.plan_network(["mpls"], 200, 3, TODAY):
        if plan.start_date:
            assert plan.start_date < TODAY
        if plan.discharge_date:
            assert plan.start_date < plan.discharge_date < TODAY
        if plan.attend_follow_up:
            assert (TODAY - plan.discharge_date).days <= 30 and plan.outcome == "completed"
        assert len(plan.phq9) == 9 and len(plan.gad7) == 7


def test_keys_are_found_for_the_demo_sites():
    assert seed.sites_with_keys(load_sites(DEMO_SITES_FILE), {}) == {
        "mpls": "demo-mpls-clinician", "stpaul": "demo-stpaul-clinician"}


def test_a_bigger_demo_network_has_a_key_per_site_and_the_operator(tmp_path):
    path = tmp_path / "sites.json"
    seed.write_demo_sites_file(path, 12)
    sites = load_sites(path)
    assert len(seed.sites_with_keys(sites, {})) == 12
    assert sites.authenticate("demo-operator").is_operator
