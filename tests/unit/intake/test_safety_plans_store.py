"""The safety plans' codec: the counselling day and the creation instant read back typed, even as
the database stand-in returns a value written with ``$set``."""
from datetime import date

from services.intake.store import SAFETY_PLANS
from services.intake.use_cases import safety_plans
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.intake.support import register

PLAN = {"warning_signs": ["Not sleeping"], "internal_coping_strategies": ["Music"],
        "environment_safety": {"means_discussed": ["firearms"], "actions_agreed": [],
                               "counselled_on": date(2026, 11, 26)}}


def test_every_value_of_a_plan_reads_back_typed_after_the_stand_in_degraded_it(store, cause, site):
    safety_plans.record(store, cause, site, register(store, cause)["_id"], PLAN)
    as_written = typed(store.safety_plans.find({}))
    for raw in store.db[SAFETY_PLANS].find():
        store.db[SAFETY_PLANS].replace_one({"_id": raw["_id"]}, as_the_stand_in_returns(raw))
    assert typed(store.safety_plans.find({})) == as_written


def test_no_date_of_a_plan_is_left_undeclared(store, cause, site):
    safety_plans.record(store, cause, site, register(store, cause)["_id"], PLAN)
    for document in store.safety_plans.find({}, projection={"outbox": 0}):
        assert strings_like_days(document) == []
