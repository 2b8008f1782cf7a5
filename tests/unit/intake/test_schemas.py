"""Request and answer schemas whose behaviour is not plain marshmallow."""
from datetime import datetime, timezone

import pytest
from marshmallow import ValidationError

from services.intake.api.schemas import Patient, PatientUpdate, ReferralCreate, ReferralTransition

PERSON = {"given_name": "Sam", "family_name": "Olsen", "birth_date": "1985-06-30"}
REFERRAL = {"source": "self", "reason": "Low mood.", "urgency": "routine", "contact_consent": True}


def errors_of(schema, body) -> dict:
    with pytest.raises(ValidationError) as caught:
        schema.load(body)
    return caught.value.messages


def test_an_instant_returned_as_a_datetime_is_answered_unchanged():
    answer = Patient().dump({"updated_at": datetime(2026, 11, 26, 21, 39, tzinfo=timezone.utc)})
    assert answer["updated_at"] == "2026-11-26T21:39:00+00:00"


def test_a_patient_update_may_carry_any_single_field():
    assert PatientUpdate().load({"family_name": "Olsen"}) == {"family_name": "Olsen"}


def test_a_patient_update_still_validates_the_fields_it_carries():
    assert list(errors_of(PatientUpdate(), {"birth_date": "1899-01-01"})) == ["birth_date"]


def test_a_referral_may_name_an_existing_patient():
    assert ReferralCreate().load({**REFERRAL, "patient_id": "p-1"})["patient_id"] == "p-1"


def test_a_referral_may_name_a_person_who_is_not_a_patient_yet():
    assert ReferralCreate().load({**REFERRAL, "patient": PERSON})["patient"]["given_name"] == "Sam"


@pytest.mark.parametrize("who", [{}, {"patient_id": "p-1", "patient": PERSON}])
def test_a_referral_naming_neither_or_both_is_invalid_on_patient(who):
    assert list(errors_of(ReferralCreate(), {**REFERRAL, **who})) == ["patient"]


def test_an_admission_needs_its_enrollment():
    assert list(errors_of(ReferralTransition(), {"to": "admitted"})) == ["enrollment"]


def test_an_enrollment_comes_only_with_an_admission():
    body = {"to": "accepted", "enrollment": {"program": "mh-adult", "start_date": "2026-11-02"}}
    assert list(errors_of(ReferralTransition(), body)) == ["enrollment"]


def test_an_mrn_comes_only_with_an_acceptance():
    assert list(errors_of(ReferralTransition(), {"to": "screening", "mrn": "MRN-7"})) == ["mrn"]
