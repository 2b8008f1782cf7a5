"""The census counted from the stored enrollments, per site, on the in-memory store."""
from datetime import date

from services.intake.use_cases import enrollments
from services.intake.use_cases.census import census
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
