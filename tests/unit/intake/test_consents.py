"""Part 2 consents, the domain rules: the §2.31 elements, expiry, and revocation."""
from datetime import date

import pytest

from services.intake.domain import consents as rules
from shared.errors import Conflict, Invalid

TODAY = date(2026, 11, 26)
SIGNED = date(2026, 11, 20)


def terms(**changes) -> dict:
    """A consent to disclose diagnoses and medications to one provider for treatment, for a year."""
    return {"scope": ["medications", "diagnoses"], "recipient_id": "prov-1", "purpose": "treatment",
            "expires_on": date(2027, 11, 20),
            "signature": {"signed_by": "patient", "signer": "patient", "signed_on": SIGNED}, **changes}


def granted(**changes) -> dict:
    consent, _ = rules.grant("con-1", "pat-1", terms(**changes), TODAY)
    return {"_id": "con-1", "patient_id": "pat-1", **consent}


def refusal(**changes) -> dict:
    with pytest.raises(Invalid) as refused:
        rules.grant("con-1", "pat-1", terms(**changes), TODAY)
    return refused.value.errors


# -- the elements of §2.31(a) -------------------------------------------------------------------

def test_a_consent_with_every_element_is_recorded_active_with_its_scope_in_the_codes_order():
    consent, _ = rules.grant("con-1", "pat-1", terms(), TODAY)
    assert (consent["status"], consent["scope"], consent["revocation"]) == (
        "active", ["diagnoses", "medications"], None)


def test_the_granted_event_carries_ids_and_codes_but_not_the_signer_or_the_purposes_words():
    _, event = rules.grant("con-1", "pat-1", terms(purpose="other", purpose_detail="For my lawyer."), TODAY)
    assert (event.event_type, event.payload) == ("intake.consent.granted", {
        "consent_id": "con-1", "patient_id": "pat-1", "scope": ["diagnoses", "medications"], "recipient_id": "prov-1",
        "recipient_class": None, "purpose": "other", "expires_on": "2027-11-20", "expiry_event": None})


@pytest.mark.parametrize("scope", [[], ["diagnoses", "diagnoses"], ["all_records", "diagnoses"], ["gossip"]])
def test_a_scope_that_is_empty_repeated_unknown_or_all_records_with_others_is_refused(scope):
    assert list(refusal(scope=scope)) == ["scope"]


def test_all_records_alone_is_a_scope():
    assert granted(scope=["all_records"])["scope"] == ["all_records"]


@pytest.mark.parametrize("recipient", [{"recipient_id": None}, {"recipient_class": "tpo"}])
def test_a_consent_names_one_recipient_or_one_class_not_both_or_neither(recipient):
    assert list(refusal(**recipient)) == ["recipient_id"]


def test_the_2024_tpo_class_of_recipients_stands_for_a_named_recipient():
    consent = granted(recipient_id=None, recipient_class="tpo", expires_on=None, expiry_event="none")
    assert (consent["recipient_id"], consent["recipient_class"], consent["expiry_event"]) == (None, "tpo", "none")


def test_a_purpose_other_needs_its_description():
    assert refusal(purpose="other") == {"purpose_detail": ["Describe the purpose when it is other (§2.31(a)(5))."]}


def test_a_description_of_the_purpose_is_refused_with_a_coded_purpose():
    assert list(refusal(purpose_detail="Because.")) == ["purpose_detail"]


def test_a_tpo_class_of_recipients_does_not_serve_another_purpose():
    assert list(refusal(recipient_id=None, recipient_class="tpo", purpose="other", purpose_detail="Research.")) == [
        "purpose"]


@pytest.mark.parametrize("purpose", ["nosy", None])
def test_a_purpose_outside_the_enumeration_is_refused(purpose):
    assert list(refusal(purpose=purpose)) == ["purpose"]


# -- expiry (§2.31(a)(7)) -------------------------------------------------------------------------

@pytest.mark.parametrize("expiry", [{"expires_on": None}, {"expiry_event": "end_of_treatment"}])
def test_a_consent_ends_on_a_date_or_at_an_event_not_both_or_neither(expiry):
    assert list(refusal(**expiry)) == ["expires_on"]


def test_no_expiry_is_allowed_for_treatment_payment_and_operations_only():
    assert list(refusal(expires_on=None, expiry_event="none", purpose="other", purpose_detail="Research.")) == [
        "expiry_event"]
    assert granted(expires_on=None, expiry_event="none", purpose="payment")["expiry_event"] == "none"


def test_an_expiry_before_the_signature_is_refused():
    assert refusal(expires_on=date(2026, 11, 19)) == {"expires_on": ["Must not be before signature.signed_on."]}


def test_a_consent_that_would_already_have_expired_is_refused_but_one_ending_today_is_recorded():
    assert list(refusal(expires_on=date(2026, 11, 25))) == ["expires_on"]
    assert granted(expires_on=TODAY)["expires_on"] == TODAY


def test_a_consent_signed_after_today_is_refused():
    signature = {"signed_by": "patient", "signer": "patient", "signed_on": date(2026, 11, 27)}
    assert list(refusal(signature=signature)) == ["signature.signed_on"]


def test_a_guardian_may_sign_but_nobody_else():
    guardian = {"signed_by": "guardian", "signer": "guardian:rel-4", "signed_on": SIGNED}
    assert granted(signature=guardian)["signature"]["signed_by"] == "guardian"
    assert list(refusal(signature={**guardian, "signed_by": "neighbour"})) == ["signature.signed_by"]


def test_every_broken_element_is_named_at_once():
    assert set(refusal(scope=[], recipient_id=None, expires_on=None)) == {"scope", "recipient_id", "expires_on"}


# -- status --------------------------------------------------------------------------------------

def test_a_consent_holds_through_its_last_day_and_is_expired_after_it():
    consent = granted(expires_on=TODAY)
    assert rules.status(consent, TODAY, None) == "active"
    assert rules.status(consent, date(2026, 11, 27), None) == "expired"


def test_an_end_of_treatment_consent_holds_while_the_treatment_goes_on():
    consent = granted(expires_on=None, expiry_event="end_of_treatment")
    assert (rules.status(consent, TODAY, None), rules.last_day(consent, None)) == ("active", None)


def test_an_end_of_treatment_consent_expires_the_day_after_the_treatment_ended():
    consent = granted(expires_on=None, expiry_event="end_of_treatment")
    ended = date(2026, 11, 25)
    assert rules.status(consent, ended, ended) == "active"
    assert (rules.status(consent, TODAY, ended), rules.last_day(consent, ended)) == ("expired", ended)


def test_a_consent_without_expiry_never_expires():
    consent = granted(recipient_id=None, recipient_class="tpo", expires_on=None, expiry_event="none")
    assert rules.status(consent, date(2099, 1, 1), date(2026, 11, 25)) == "active"


# -- the end of treatment ------------------------------------------------------------------------

def test_the_treatment_has_not_ended_while_an_enrollment_goes_on():
    assert rules.treatment_end([(date(2026, 11, 2), None)], SIGNED) is None


def test_the_treatment_ends_on_the_discharge_day():
    assert rules.treatment_end([(date(2026, 11, 2), date(2026, 11, 24))], SIGNED) == date(2026, 11, 24)


def test_an_enrollment_starting_the_day_after_a_discharge_continues_the_treatment():
    episodes = [(date(2026, 10, 1), date(2026, 11, 21)), (date(2026, 11, 22), date(2026, 12, 20))]
    assert rules.treatment_end(episodes, SIGNED) == date(2026, 12, 20)


def test_a_readmission_after_a_gap_does_not_revive_the_treatment_the_consent_was_signed_in():
    episodes = [(date(2026, 10, 1), date(2026, 11, 21)), (date(2026, 12, 1), None)]
    assert rules.treatment_end(episodes, SIGNED) == date(2026, 11, 21)


def test_a_treatment_that_ended_before_the_signature_is_not_the_consents():
    assert rules.treatment_end([(date(2026, 9, 1), date(2026, 10, 30))], SIGNED) is None


# -- revocation ----------------------------------------------------------------------------------

def test_revoking_an_active_consent_makes_it_revoked_and_tells_aftercare():
    changes, event = rules.revoke(granted(), TODAY, TODAY, None)
    assert changes == {"status": "revoked", "revocation": {"revoked_on": TODAY}}
    assert (event.event_type, event.payload["revoked_on"], event.payload["scope"]) == (
        "intake.consent.revoked", "2026-11-26", ["diagnoses", "medications"])


def test_a_revoked_consent_is_revoked_whatever_its_expiry():
    consent = {**granted(), "status": "revoked"}
    assert rules.status(consent, TODAY, None) == "revoked"


def test_a_revoked_consent_cannot_be_revoked_again():
    with pytest.raises(Conflict, match="is revoked"):
        rules.revoke({**granted(), "status": "revoked"}, TODAY, TODAY, None)


def test_an_expired_consent_cannot_be_revoked():
    with pytest.raises(Conflict, match="is expired"):
        rules.revoke(granted(expires_on=TODAY), date(2026, 11, 27), date(2026, 11, 27), None)


def test_a_revocation_after_today_or_before_the_signature_is_refused():
    for revoked_on in (date(2026, 11, 27), date(2026, 11, 19)):
        with pytest.raises(Invalid) as refused:
            rules.revoke(granted(), revoked_on, TODAY, None)
        assert list(refused.value.errors) == ["revoked_on"]


def test_a_revocation_of_a_revoked_consent_is_a_conflict_before_its_day_is_judged():
    with pytest.raises(Conflict):
        rules.revoke({**granted(), "status": "revoked"}, date(2030, 1, 1), TODAY, None)
