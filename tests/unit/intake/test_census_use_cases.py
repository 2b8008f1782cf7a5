"""The census counted from the stored enrollments, per site, on the in-memory store: admissions and
discharges from the census's days, settled from the enrollments flagged in their own writes."""
from datetime import date

from services.intake.use_cases import enrollments
from services.intake.use_cases.census import census
from shared import day_rollups
from shared.day_rollups import day_id
from shared.store import ROLLUP_PENDING
from tests.unit.intake.support import admit, register


def test_the_census_counts_each_sites_enrollments_over_the_range(store, cause, other_site_cause, context):
    here, there = register(store, cause)["_id"], register(store, other_site_cause)["_id"]
    admit(store, cause, here, start_date=date(2026, 10, 1))  # before the default range
    ended = admit(store, cause, here, program="sud-adult", start_date=date(2026, 11, 2))
    enrollments.discharge(store, cause, context.site("mpls"), ended["_id"],
                          {"outcome": "transferred", "discharge_date": date(2026, 11, 20)})
    admit(store, other_site_cause, there, start_date=date(2026, 11, 20))
    [mpls, stpaul] = census(store, [context.site("mpls"), context.site("stpaul")])["sites"]
    assert (mpls["site_id"], mpls["from"], mpls["to"]) == ("mpls", date(2026, 10, 28), date(2026, 11, 26))
    assert (mpls["active"]["by_program"]["mh-adult"], mpls["admissions"]["total"],
            mpls["discharges"]["by_outcome"]["transferred"]) == (1, 1, 1)
    assert (stpaul["active"]["total"], stpaul["admissions"]["by_program"]["mh-adult"], stpaul["discharges"]["total"]) \
        == (1, 1, 0)


def test_an_admission_counts_under_the_program_admitted_to_also_when_stored_before_that_was_kept(
        store, cause, context):
    patient = register(store, cause)["_id"]
    stepped_down = admit(store, cause, patient, program="php-adult", start_date=date(2026, 11, 2))
    enrollments.change_level_of_care(store, cause, context.site("mpls"), stepped_down["_id"],
                                     {"program": "mh-adult", "effective_date": date(2026, 11, 16)})
    older = admit(store, cause, register(store, cause, mrn="MRN-OLD")["_id"], program="sud-adult",
                  start_date=date(2026, 11, 3))
    store.enrollments.raw.update_one({"_id": older["_id"]}, {"$unset": {"admitted_program": ""}})
    [mpls] = census(store, [context.site("mpls")])["sites"]
    assert {code: count for code, count in mpls["admissions"]["by_program"].items() if count} == {
        "php-adult": 1, "sud-adult": 1}
    assert {code: count for code, count in mpls["active"]["by_program"].items() if count} == {
        "mh-adult": 1, "sud-adult": 1}


def flagged(store) -> set[str]:
    return {document["_id"] for document in store.enrollments.raw.find({ROLLUP_PENDING: True}, {"_id": 1})}


def counted(store, site) -> tuple[int, int]:
    [counts] = census(store, [site])["sites"]
    return counts["admissions"]["total"], counts["discharges"]["total"]


def test_an_admission_and_its_discharge_are_flagged_in_their_own_writes_until_the_days_hold_them(
        store, cause, context):
    enrollment = admit(store, cause, register(store, cause)["_id"], start_date=date(2026, 11, 2))
    assert flagged(store) == {enrollment["_id"]}
    assert day_rollups.settle(store, store.CENSUS) == 1
    assert flagged(store) == set()
    enrollments.discharge(store, cause, context.site("mpls"), enrollment["_id"],
                          {"outcome": "completed", "discharge_date": date(2026, 11, 20)})
    assert flagged(store) == {enrollment["_id"]}
    day_rollups.settle(store, store.CENSUS, "mpls")
    entries = {day["_id"]: day for day in store.census_day_entries.raw.find({"site_id": "mpls"})}
    assert entries[day_id("mpls", date(2026, 11, 2))]["admitted"] == {enrollment["_id"]: "mh-adult"}
    assert entries[day_id("mpls", date(2026, 11, 20))]["discharged"] == {enrollment["_id"]: "completed"}
    counts = {day["_id"]: day for day in store.census_days.raw.find({"site_id": "mpls"})}
    assert counts[day_id("mpls", date(2026, 11, 2))]["admitted"] == {"mh-adult": 1}
    assert counts[day_id("mpls", date(2026, 11, 20))]["discharged"] == {"completed": 1}
    assert flagged(store) == set()


def test_settling_an_enrollment_again_counts_it_once(store, cause, context):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    enrollments.discharge(store, cause, context.site("mpls"), enrollment["_id"],
                          {"outcome": "completed", "discharge_date": date(2026, 11, 20)})
    assert counted(store, context.site("mpls")) == (1, 1)
    store.enrollments.raw.update_many({}, {"$set": {ROLLUP_PENDING: True}})  # as after a crash between the writes
    assert day_rollups.settle(store, store.CENSUS) == 1
    assert counted(store, context.site("mpls")) == (1, 1)


def test_an_enrollment_discharged_while_it_is_settled_keeps_its_flag_for_the_discharge(store, cause, context):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    as_read = store.enrollments.find({"_id": enrollment["_id"]})  # the settling reads it admitted ...
    enrollments.discharge(store, cause, context.site("mpls"), enrollment["_id"],  # ... it is discharged ...
                          {"outcome": "completed", "discharge_date": date(2026, 11, 20)})
    assert day_rollups._clear_flags(store, store.CENSUS, as_read) == 0  # ... and its flag is not taken off
    assert flagged(store) == {enrollment["_id"]}
    assert counted(store, context.site("mpls")) == (1, 1)


def test_a_census_settles_its_own_site_only_and_the_sweep_every_site(store, cause, other_site_cause, context):
    admit(store, cause, register(store, cause)["_id"])
    there = admit(store, other_site_cause, register(store, other_site_cause)["_id"])
    census(store, [context.site("mpls")])
    assert flagged(store) == {there["_id"]}
    day_rollups.sweep(store)
    assert flagged(store) == set()


def test_enrollments_stored_before_the_census_kept_its_days_are_counted_once_the_worker_has_swept(
        store, cause, context):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    enrollments.discharge(store, cause, context.site("mpls"), enrollment["_id"],
                          {"outcome": "completed", "discharge_date": date(2026, 11, 20)})
    store.enrollments.raw.update_many({}, {"$unset": {ROLLUP_PENDING: ""}})  # stored before: no flag, no days
    assert counted(store, context.site("mpls")) == (0, 0)
    day_rollups.sweep(store)
    assert counted(store, context.site("mpls")) == (1, 1)
    day_rollups.sweep(store)  # the backfill's flagging happens once per database
    assert flagged(store) == set()
    assert store.census_day_entries.raw.count_documents({"_id": day_rollups.BACKFILL_MARK}) == 1
