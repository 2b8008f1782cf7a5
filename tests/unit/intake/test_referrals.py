"""The inbound referral state machine and its fields."""
from datetime import date

import pytest

from services.intake.domain.referrals import (
    SOURCES,
    STATUSES,
    URGENCIES,
    check_same_person,
    moved,
    mrn_for_acceptance,
    transition,
)
from shared.errors import Conflict, IllegalTransition, Invalid

LEGAL = [
    ("received", "screening"),
    ("screening", "accepted"),
    ("accepted", "admitted"),
]
DECLINABLE = ["received", "screening", "accepted"]
LEGAL_PAIRS = set(LEGAL) | {(s, "declined") for s in DECLINABLE}
ILLEGAL = [(a, b) for a in STATUSES for b in STATUSES if (a, b) not in LEGAL_PAIRS]


@pytest.mark.parametrize("current, to", LEGAL)
def test_a_referral_moves_forward_one_step_at_a_time(current, to):
    assert transition(current, to) == to


@pytest.mark.parametrize("current", DECLINABLE)
def test_a_referral_not_yet_admitted_can_be_declined_with_a_reason(current):
    assert transition(current, "declined", reason="chose another program") == "declined"


@pytest.mark.parametrize("current, to", ILLEGAL)
def test_every_other_move_is_an_illegal_transition(current, to):
    with pytest.raises(IllegalTransition) as caught:
        transition(current, to, reason="any")
    assert (caught.value.current, caught.value.requested, caught.value.status) == (current, to, 409)


def test_skipping_screening_is_illegal():
    with pytest.raises(IllegalTransition):
        transition("received", "accepted")


def test_admitted_is_final():
    with pytest.raises(IllegalTransition):
        transition("admitted", "declined", reason="changed mind")


def test_declined_is_final():
    with pytest.raises(IllegalTransition):
        transition("declined", "received")


@pytest.mark.parametrize("reason", [None, "", "   ", 42])
def test_declining_without_a_reason_is_invalid_on_the_reason_field(reason):
    with pytest.raises(Invalid) as caught:
        transition("screening", "declined", reason=reason)
    assert list(caught.value.errors) == ["reason"]


def test_an_illegal_decline_is_a_conflict_even_without_a_reason():
    with pytest.raises(IllegalTransition):
        transition("admitted", "declined")


@pytest.mark.parametrize("to", ["closed", "", None, "Screening"])
def test_an_unknown_target_status_is_invalid_on_the_to_field(to):
    with pytest.raises(Invalid) as caught:
        transition("received", to)
    assert list(caught.value.errors) == ["to"]


def test_a_move_decides_the_updated_event_with_the_previous_status_and_no_reason():
    referral = {"_id": "r-1", "status": "accepted", "urgency": "urgent"}
    event = moved(referral, "admitted", patient_id="p-1", enrollment_id="e-1")
    assert (event.event_type, event.payload) == ("intake.referral.updated", {
        "referral_id": "r-1", "status": "admitted", "previous_status": "accepted", "urgency": "urgent",
        "patient_id": "p-1", "enrollment_id": "e-1"})


def test_a_reason_on_a_forward_move_is_accepted():
    assert transition("received", "screening", reason="called back") == "screening"


def test_sources_and_urgencies_are_the_documented_codes():
    assert (SOURCES, URGENCIES) == (
        ("self", "primary_care", "hospital", "outpatient_provider", "court", "other"),
        ("routine", "urgent", "emergent"),
    )


# --- acceptance: which MRN, which patient -----------------------------------------------

def test_a_referral_of_an_existing_patient_needs_no_mrn():
    assert mrn_for_acceptance("patient-1", None, None) is None


def test_an_mrn_offered_for_a_referral_of_an_existing_patient_is_invalid_on_mrn():
    with pytest.raises(Invalid) as caught:
        mrn_for_acceptance("patient-1", None, "MRN-7")
    assert list(caught.value.errors) == ["mrn"]


def test_the_referrers_mrn_is_used_when_none_is_offered():
    assert mrn_for_acceptance(None, "MRN-7", None) == "MRN-7"


def test_the_offered_mrn_is_used_when_the_referrer_gave_none():
    assert mrn_for_acceptance(None, None, "MRN-7") == "MRN-7"


def test_the_same_mrn_from_both_is_accepted():
    assert mrn_for_acceptance(None, "MRN-7", "MRN-7") == "MRN-7"


def test_two_different_mrns_are_invalid_on_mrn():
    with pytest.raises(Invalid) as caught:
        mrn_for_acceptance(None, "MRN-7", "MRN-8")
    assert list(caught.value.errors) == ["mrn"]


def test_no_mrn_from_either_is_invalid_on_mrn():
    with pytest.raises(Invalid) as caught:
        mrn_for_acceptance(None, None, None)
    assert list(caught.value.errors) == ["mrn"]


def test_a_patient_with_the_referred_birth_date_is_the_same_person():
    check_same_person("MRN-7", date(1985, 6, 30), date(1985, 6, 30))


def test_a_patient_born_on_another_day_is_a_conflict():
    with pytest.raises(Conflict) as caught:
        check_same_person("MRN-7", date(1970, 1, 1), date(1985, 6, 30))
    assert caught.value.status == 409
