"""Part 2 consents, the use cases on the in-memory store: recorded, read with their status, revoked."""
from datetime import date

import pytest

from services.intake.store import CONSENTS
from services.intake.use_cases import consents
from shared.errors import Conflict, NotFound
from tests.unit.intake.support import events, register

SIGNED = date(2026, 11, 20)  # six days before the pinned today, 2026-11-26


def terms(**changes) -> dict:
    return {"scope": ["diagnoses", "referral_packet"], "recipient_id": "prov-1", "purpose": "treatment",
            "expiry_event": "end_of_treatment",
            "signature": {"signed_by": "patient", "signer": "patient", "signed_on": SIGNED}, **changes}


def enrolled(store, patient_id: str, start: date, discharged: date | None = None) -> None:
    """An enrollment of the patient as intake stores it, ended on ``discharged`` (or going on)."""
    store.enrollments.insert({"_id": f"enr-{start}", "site_id": "mpls", "patient_id": patient_id, "start_date": start,
                              "status": "active" if discharged is None else "completed",
                              "discharge": None if discharged is None else {"date": discharged}})


@pytest.fixture
def patient_id(store, cause):
    return register(store, cause)["_id"]


def test_a_granted_consent_is_stored_active_with_its_event_in_its_outbox(store, cause, site, patient_id):
    consent = consents.grant(store, cause, site, patient_id, terms())
    [event] = events(store, CONSENTS)
    assert (consent["status"], consent["recorded_by"]) == ("active", "clinician-key")
    assert (event["event_type"], event["payload"]["consent_id"], event["correlation_id"]) == (
        "intake.consent.granted", consent["_id"], "request-1")


def test_a_consent_for_another_sites_patient_is_not_found(store, cause, patient_id, context):
    with pytest.raises(NotFound):
        consents.grant(store, cause, context.site("stpaul"), patient_id, terms())
    assert events(store, CONSENTS) == []


def test_another_sites_consent_is_not_found(store, cause, site, patient_id, context):
    consent = consents.grant(store, cause, site, patient_id, terms())
    with pytest.raises(NotFound):
        consents.get(store, context.site("stpaul"), consent["_id"])


def test_a_revocation_is_stored_with_who_recorded_it_and_emits_the_revoked_event(store, cause, site, patient_id):
    consent = consents.grant(store, cause, site, patient_id, terms())
    revoked = consents.revoke(store, cause, site, consent["_id"], {"revoked_on": date(2026, 11, 25)})
    assert (revoked["status"], revoked["revocation"]["revoked_on"], revoked["revocation"]["recorded_by"]) == (
        "revoked", date(2026, 11, 25), "clinician-key")
    assert [event["payload"].get("revoked_on") for event in events(store, CONSENTS, "intake.consent.revoked")] == [
        "2026-11-25"]


def test_a_revocation_without_a_day_is_dated_the_sites_today(store, cause, site, patient_id):
    consent = consents.grant(store, cause, site, patient_id, terms())
    assert consents.revoke(store, cause, site, consent["_id"], {})["revocation"]["revoked_on"] == date(2026, 11, 26)


def test_a_second_revocation_is_a_conflict_and_emits_nothing_more(store, cause, site, patient_id):
    consent = consents.grant(store, cause, site, patient_id, terms())
    consents.revoke(store, cause, site, consent["_id"], {})
    with pytest.raises(Conflict):
        consents.revoke(store, cause, site, consent["_id"], {})
    assert len(events(store, CONSENTS, "intake.consent.revoked")) == 1


def test_revoking_another_sites_consent_is_not_found(store, cause, other_site_cause, site, patient_id, context):
    consent = consents.grant(store, cause, site, patient_id, terms())
    with pytest.raises(NotFound):
        consents.revoke(store, other_site_cause, context.site("stpaul"), consent["_id"], {})


def test_an_end_of_treatment_consent_is_active_while_the_patient_is_enrolled(store, cause, site, patient_id):
    enrolled(store, patient_id, date(2026, 11, 2))
    consent = consents.grant(store, cause, site, patient_id, terms())
    assert (consent["status"], consent["last_day"]) == ("active", None)


def test_an_end_of_treatment_consent_expires_after_the_discharge_and_cannot_be_revoked(store, cause, site,
                                                                                         patient_id):
    enrolled(store, patient_id, date(2026, 11, 2), discharged=date(2026, 11, 24))
    consent = consents.grant(store, cause, site, patient_id, terms())
    assert (consent["status"], consent["last_day"]) == ("expired", date(2026, 11, 24))
    with pytest.raises(Conflict):
        consents.revoke(store, cause, site, consent["_id"], {})


def test_the_patients_consents_come_most_recently_signed_first_and_filter_by_status(store, cause, site, patient_id):
    older = consents.grant(store, cause, site, patient_id, terms(signature={
        "signed_by": "patient", "signer": "patient", "signed_on": date(2026, 11, 1)}))
    newer = consents.grant(store, cause, site, patient_id, terms())
    consents.revoke(store, cause, site, older["_id"], {})
    assert [consent["_id"] for consent in consents.of_patient(store, site, patient_id)] == [newer["_id"], older["_id"]]
    assert [consent["_id"] for consent in consents.of_patient(store, site, patient_id, "revoked")] == [older["_id"]]
    assert consents.of_patient(store, site, patient_id, "expired") == []


def test_the_consents_of_another_sites_patient_are_not_found(store, patient_id, context):
    with pytest.raises(NotFound):
        consents.of_patient(store, context.site("stpaul"), patient_id)
