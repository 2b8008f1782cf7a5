"""The census's days on the database stand-in, kept by the intake worker's sweep: what an API
process wrote and nobody has asked the census about is settled by the worker, enrollments stored
before the census kept its days included."""
from datetime import date

import pytest

from services.intake.bootstrap import bootstrap
from services.intake.use_cases import enrollments, patients
from services.intake.use_cases.census import census
from shared.cause import Cause
from shared.day_rollups import day_id
from shared.store import ROLLUP_PENDING
from tests.workers import running_worker, wait_until

pytestmark = pytest.mark.integration


def test_the_worker_settles_what_no_census_has_asked_for_and_what_was_stored_before(rabbit_settings, sites):
    context = bootstrap(settings=rabbit_settings, sites=sites)
    store, site, cause = context.store, sites.get("mpls"), Cause("mpls", "request-1", actor="clinician-key")
    before, after = (enrollments.admit(store, cause, site, {
        "patient_id": patients.register(store, cause, {"mrn": mrn, "given_name": "Alex", "family_name": "Rivera",
                                                       "birth_date": date(1990, 4, 12)})["_id"],
        "program": "mh-adult", "start_date": date(2026, 11, 2)}) for mrn in ("MRN-1", "MRN-2"))
    store.enrollments.raw.update_one({"_id": before["_id"]}, {"$unset": {ROLLUP_PENDING: ""}})  # stored before
    enrollments.discharge(store, cause, site, after["_id"], {"outcome": "completed", "discharge_date": date(2026, 11, 20)})
    with running_worker(context):
        wait_until(lambda: store.enrollments.raw.count_documents({ROLLUP_PENDING: True}) == 0
                   and store.census_day_entries.raw.find_one({"_id": day_id("mpls", date(2026, 11, 20))}),
                   message="flagged enrollments not settled by the worker")
    admitted = store.census_day_entries.raw.find_one({"_id": day_id("mpls", date(2026, 11, 2))})["admitted"]
    assert admitted == {before["_id"]: "mh-adult", after["_id"]: "mh-adult"}
    [counts] = census(store, [site], date(2026, 11, 1), date(2026, 11, 30))["sites"]
    assert (counts["admissions"]["total"], counts["discharges"]["by_outcome"]["completed"]) == (2, 1)
