"""The patient roster learned from intake's events, and the check that a patient belongs to the site."""
from datetime import date, datetime, timezone

import pytest

from services.medication.use_cases.roster import find_patient, record_enrollment, record_patient, require_patient
from shared.errors import Invalid, NotFound
from tests.unit.medication.conftest import NOW, OTHER_SITE, SITE, event_cause

ADMITTED_AT = datetime(2026, 9, 1, 14, 0, tzinfo=timezone.utc)
ADMISSION = {"enrollment_id": "e-1", "patient_id": "p-2", "program": "mh-adult", "start_date": date(2026, 9, 1),
             "planned_weeks": 8, "planned_end_date": date(2026, 10, 27), "level_of_care": None, "group_id": None}


def test_a_registered_patient_is_known_at_its_site_since_now(store):
    cause = event_cause(SITE)

    assert record_patient(store, cause, "p-1") is True

    patient = find_patient(store, SITE, "p-1")
    assert (patient["known_since"], patient["caused_by"]) == (NOW, cause.causation_id)


def test_a_registration_delivered_again_changes_nothing(store):
    first = event_cause(SITE, "ev-1")
    record_patient(store, first, "p-1")

    assert record_patient(store, event_cause(SITE, "ev-1"), "p-1") is False
    assert store.patients.count({"_id": "p-1"}) == 1
    assert find_patient(store, SITE, "p-1")["caused_by"] == "ev-1"


def test_an_admission_records_the_enrollment_with_its_days(store):
    record_enrollment(store, event_cause(SITE), ADMISSION, ADMITTED_AT)

    enrollment = store.enrollments.find_one({"_id": "e-1", "site_id": SITE})
    assert {key: enrollment[key] for key in ("patient_id", "program", "start_date", "planned_end_date",
                                             "admitted_at")} == {
        "patient_id": "p-2", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "planned_end_date": date(2026, 10, 27), "admitted_at": ADMITTED_AT}


def test_an_admission_makes_its_patient_known_even_before_the_registration(store):
    record_enrollment(store, event_cause(SITE), ADMISSION, ADMITTED_AT)

    assert find_patient(store, SITE, "p-2")["_id"] == "p-2"


def test_an_admission_delivered_again_records_one_enrollment(store):
    record_enrollment(store, event_cause(SITE, "ev-1"), ADMISSION, ADMITTED_AT)

    assert record_enrollment(store, event_cause(SITE, "ev-1"), ADMISSION, ADMITTED_AT) is False
    assert store.enrollments.count({}) == 1


def test_a_patient_of_another_site_is_not_found_here(store):
    record_patient(store, event_cause(OTHER_SITE), "p-1")

    with pytest.raises(NotFound):
        find_patient(store, SITE, "p-1")


def test_a_request_naming_an_unknown_patient_is_refused_on_patient_id(store):
    with pytest.raises(Invalid) as raised:
        require_patient(store, SITE, "never-registered")

    assert list(raised.value.errors) == ["patient_id"]
