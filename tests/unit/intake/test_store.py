"""Intake's codecs: every instant, date and boolean intake stores reads back as such, even as the
database stand-in returns a value written with ``$set`` (an instant as a naive string, a boolean
as 1 or 0) and as dates are stored (``YYYY-MM-DD`` strings)."""
from datetime import date

from services.intake.api.schemas import Patient
from services.intake.domain.measurement import raise_overdue
from services.intake.store import ASSESSMENTS, ENROLLMENTS, PATIENTS, REFERRALS
from services.intake.use_cases import assessments, enrollments, patients, referrals
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.intake.support import START, admit, register


def every_kind_of_document(store, cause, site):
    """Each document shape intake writes, made by its use cases."""
    patient = register(store, cause)
    patients.update(store, cause, patient["_id"], {"birth_date": date(1990, 4, 13)})
    enrollment = admit(store, cause, patient["_id"], program="php-adult")
    enrollments.change_level_of_care(store, cause, site, enrollment["_id"], {
        "program": "mh-adult", "effective_date": date(2026, 11, 9), "reason": "Stable."})
    enrollments.change_planned_length(store, cause, site, enrollment["_id"], {"planned_weeks": 10, "reason": "x"})
    enrollments.put_diagnoses(store, cause, enrollment["_id"], {"diagnoses": [{"code": "F33.1", "rank": 1}]})
    store.enrollments.modify({"_id": enrollment["_id"]}, lambda current: raise_overdue(
        current, 1, None, date(2026, 11, 20)), cause)
    enrollments.discharge(store, cause, site, enrollment["_id"], {
        "outcome": "completed", "discharge_date": date(2026, 11, 25),
        "step_down": {"level_of_care": "psychiatry", "provider": "npi:1234567893"}})
    assessments.record(store, cause, patient["_id"], {"instrument": "GAD-7", "item_scores": [1] * 7,
                                                      "enrollment_id": enrollment["_id"]})
    referral = referrals.receive(store, cause, {
        "source": "self", "reason": "Low mood.", "urgency": "routine", "contact_consent": True,
        "patient": {"given_name": "Sam", "family_name": "Olsen", "birth_date": date(1985, 6, 30)}})
    referrals.move(store, cause, site, referral["_id"], {"to": "screening"})
    referrals.move(store, cause, site, referral["_id"], {"to": "accepted", "mrn": "MRN-7"})
    referrals.move(store, cause, site, referral["_id"], {"to": "admitted",
                                                   "enrollment": {"program": "sud-adult", "start_date": START}})


def test_every_value_reads_back_typed_after_the_stand_in_degraded_it(store, cause, site):
    every_kind_of_document(store, cause, site)
    for name in (PATIENTS, ASSESSMENTS, ENROLLMENTS, REFERRALS):
        documents = getattr(store, name)
        as_written = typed(documents.find({}))
        for raw in store.db[name].find():
            store.db[name].replace_one({"_id": raw["_id"]}, as_the_stand_in_returns(raw))
        assert typed(documents.find({})) == as_written, name


def test_no_stored_date_is_left_undeclared(store, cause, site):
    every_kind_of_document(store, cause, site)
    for name in (PATIENTS, ASSESSMENTS, ENROLLMENTS, REFERRALS):
        for document in getattr(store, name).find({}, projection={"outbox": 0}):
            assert strings_like_days(document) == [], name


def test_an_instant_the_stand_in_returns_as_a_naive_string_is_answered_in_utc(store, cause):
    patient = register(store, cause)
    store.db[PATIENTS].update_one({"_id": patient["_id"]}, {"$set": {"updated_at": "2026-11-26 21:39:13.514000"}})
    answer = Patient().dump(store.patients.find_one({"_id": patient["_id"]}))
    assert answer["updated_at"] == "2026-11-26T21:39:13.514000+00:00"
