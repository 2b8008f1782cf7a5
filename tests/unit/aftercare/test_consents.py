"""Part 2 consent rules: a consent's status, what it covers, which one a disclosure relies on, and
whose records need one."""
from datetime import date, datetime, timezone

import pytest

from services.aftercare.domain.consents import (
    PART2_NOTICE,
    ConsentRequired,
    covering_consent,
    covers,
    granted,
    needs_consent,
    require_consent,
    revoked,
    status,
    treatment_end,
)
from shared.http.problems import from_domain_error
from shared.programs import parse_catalog

TODAY = date(2026, 11, 26)
GRANTED_AT = datetime(2026, 11, 1, 15, 0, tzinfo=timezone.utc)
PROGRAMS = parse_catalog(None)


def a_consent(consent_id="con-1", recipient_id="prov-1", purpose="treatment", expires_on=None, revoked_on=None,
              granted_at=GRANTED_AT):
    return {"consent_id": consent_id, "patient_id": "pat-1", "scope": ["treatment_records"],
            "recipient_id": recipient_id, "purpose": purpose, "expires_on": expires_on, "granted_at": granted_at,
            "revoked_on": revoked_on}


# --- status ---------------------------------------------------------------------------------------


def test_a_granted_consent_is_active():
    assert status(a_consent(), TODAY) == "active"


def test_a_consent_holds_through_its_expiry_day_and_not_after():
    assert (status(a_consent(expires_on=TODAY), TODAY), status(a_consent(expires_on=date(2026, 11, 25)), TODAY)) == (
        "active", "expired")


def test_a_revoked_consent_is_revoked_even_before_its_grant_arrives():
    assert (status(a_consent(revoked_on=TODAY), TODAY), status(a_consent(revoked_on=TODAY, granted_at=None), TODAY)) == (
        "revoked", "revoked")


def test_a_consent_whose_grant_has_not_arrived_is_pending():
    assert status(a_consent(granted_at=None), TODAY) == "pending"


def test_a_grant_after_the_revocation_leaves_it_revoked():
    record = a_consent(granted_at=None, revoked_on=TODAY)
    fields, _ = granted(record, {**record}, GRANTED_AT, GRANTED_AT.date())
    assert status({**record, **fields}, TODAY) == "revoked"


def test_each_event_applies_once():
    assert (granted(a_consent(), a_consent(), GRANTED_AT, TODAY),
            revoked(a_consent(revoked_on=TODAY), {}, GRANTED_AT, TODAY)) == (None, None)


# --- what a consent covers ----------------------------------------------------------------------------


def test_a_consent_naming_the_provider_covers_a_treatment_disclosure_to_it():
    assert covers(a_consent(recipient_id="prov-1"), "prov-1", TODAY)


def test_a_consent_naming_another_provider_does_not_cover():
    assert not covers(a_consent(recipient_id="prov-2"), "prov-1", TODAY)


def test_a_consent_for_a_class_of_recipients_covers_any_provider_for_treatment():
    assert covers(a_consent(recipient_id=None), "prov-9", TODAY)


@pytest.mark.parametrize("purpose, covered", [("treatment", True), ("tpo", True), ("payment", False),
                                              ("research", False)])
def test_only_a_treatment_purpose_covers_a_referral(purpose, covered):
    assert covers(a_consent(purpose=purpose), "prov-1", TODAY) is covered


def test_an_expired_or_revoked_consent_covers_nothing():
    assert not covers(a_consent(expires_on=date(2026, 11, 1)), "prov-1", TODAY)
    assert not covers(a_consent(revoked_on=TODAY), "prov-1", TODAY)


def test_a_consent_naming_the_provider_is_relied_on_before_one_for_a_class():
    chosen = covering_consent([a_consent("con-class", recipient_id=None), a_consent("con-named")], "prov-1", TODAY)
    assert chosen["consent_id"] == "con-named"


# --- whose records need one ------------------------------------------------------------------------------


@pytest.mark.parametrize("program, needed", [("sud-adult", True), ("mh-adult", False), ("retired-program", True),
                                             (None, True)])
def test_a_substance_use_programs_records_need_consent_and_an_unknown_programs_too(program, needed):
    assert needs_consent(PROGRAMS, program) is needed


def test_a_mental_health_disclosure_relies_on_no_consent():
    assert require_consent(PROGRAMS, "mh-adult", [], "prov-1", TODAY, "Sending") is None


def test_a_substance_use_disclosure_without_a_covering_consent_is_refused_as_consent_required():
    with pytest.raises(ConsentRequired) as refused:
        require_consent(PROGRAMS, "sud-adult", [a_consent(recipient_id="prov-2")], "prov-1", TODAY, "Sending")
    answer = from_domain_error(refused.value)
    assert (answer.status_code, answer.json["type"]) == (409, "https://iop-operations.example/problems/consent-required")


def test_the_notice_is_the_2024_rules_statement():
    assert PART2_NOTICE.startswith("This record which has been disclosed to you is protected by Federal "
                                   "confidentiality rules (42 CFR part 2).")
    assert PART2_NOTICE.endswith("(see 42 CFR 2.31).")


# --- consents that end with the treatment ------------------------------------------------------------------


def test_an_end_of_treatment_consent_holds_through_the_discharge_day_and_not_after():
    consent = {**a_consent(), "expiry_event": "end_of_treatment", "granted_on": date(2026, 9, 2)}
    episodes = [(date(2026, 9, 1), date(2026, 11, 20))]
    assert (status(consent, date(2026, 11, 20), episodes), status(consent, date(2026, 11, 21), episodes)) == (
        "active", "expired")


def test_an_end_of_treatment_consent_holds_while_a_next_enrollment_continues_the_treatment():
    consent = {**a_consent(), "expiry_event": "end_of_treatment", "granted_on": date(2026, 9, 2)}
    step_down_the_next_day = [(date(2026, 9, 1), date(2026, 11, 20)), (date(2026, 11, 21), None)]
    assert status(consent, TODAY, step_down_the_next_day) == "active"


def test_the_treatment_a_consent_belongs_to_is_the_one_going_on_when_it_was_given():
    episodes = [(date(2026, 3, 1), date(2026, 4, 30)), (date(2026, 9, 1), date(2026, 11, 20))]
    assert treatment_end(episodes, date(2026, 9, 2)) == date(2026, 11, 20)
