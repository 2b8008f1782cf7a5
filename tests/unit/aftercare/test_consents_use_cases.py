"""Consent before disclosure on the in-memory store: consents as intake reports them in any order,
sending a substance-use referral, the obtain_consent task, and the accounting of disclosures."""
from datetime import date, datetime, timezone

import pytest

from services.aftercare.domain.consents import ConsentRequired
from services.aftercare.store import DISCLOSURES, referral_disclosure_id
from services.aftercare.use_cases.consents import consents_of, record_consent_granted, record_consent_revoked
from services.aftercare.use_cases.follow_up import record_admission
from services.aftercare.use_cases.plans import create_plan_on_discharge
from services.aftercare.use_cases.referrals import move_referral
from services.aftercare.use_cases.sweeps import sweep_referrals
from shared.errors import IllegalTransition
from tests.unit.aftercare.support import (
    Crash,
    arrival,
    cause_of,
    consent,
    discharge,
    plan_task,
    sud_completion,
)


def receive(store, site, event):
    handle = record_consent_granted if event.event_type == "intake.consent.granted" else record_consent_revoked
    handle(store, cause_of(event), site, event)


def sud_plan(store, site, **fields):
    ended = sud_completion(**fields)
    return create_plan_on_discharge(store, cause_of(ended), site, ended)


def step_down(store, plan):
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    return referral


# --- consents as intake reports them ----------------------------------------------------------------


def test_a_granted_consent_is_kept_with_what_it_covers(store, site):
    receive(store, site, consent(recipient_id="prov-1", expires_on=date(2027, 5, 1)))
    [kept] = consents_of(store, "mpls", "pat-1")
    assert (kept["recipient_id"], kept["purpose"], kept["expires_on"], kept["revoked_on"]) == (
        "prov-1", "treatment", date(2027, 5, 1), None)


def test_a_revocation_delivered_before_its_grant_still_wins(store, site):
    receive(store, site, consent("intake.consent.revoked"))
    receive(store, site, consent())
    [kept] = consents_of(store, "mpls", "pat-1")
    assert (kept["revoked_on"], kept["granted_at"] is not None) == (date(2026, 11, 20), True)


def test_a_redelivered_grant_keeps_one_record(store, site):
    grant = consent()
    receive(store, site, grant)
    receive(store, site, grant)
    assert store.consents.count({}) == 1


# --- sending a substance-use referral -------------------------------------------------------------------


def test_sending_a_substance_use_referral_without_consent_is_refused_and_changes_nothing(store, site, staff):
    referral = step_down(store, sud_plan(store, site))
    with pytest.raises(ConsentRequired):
        move_referral(store, staff, site, referral["_id"], "sent")
    assert (store.referrals.find_one({"_id": referral["_id"]})["status"], store.disclosures.count({})) == ("created", 0)


def test_a_consent_naming_the_referrals_provider_lets_it_be_sent_and_the_sending_is_accounted_for(store, site, staff):
    referral = step_down(store, sud_plan(store, site))
    receive(store, site, consent(recipient_id=referral["provider_id"]))
    sent = move_referral(store, staff, site, referral["_id"], "sent", on_behalf_of="staff:cm-17")
    disclosure = store.disclosures.find_one({"_id": referral_disclosure_id(referral["_id"])})
    assert (sent["status"], sent["sent_disclosure"]["consent_id"], sent["sent_disclosure"]["recorded"]) == (
        "sent", "con-1", True)
    assert (disclosure["kind"], disclosure["consent_id"], disclosure["part2"], disclosure["by"],
            disclosure["on_behalf_of"], disclosure["recipient_id"]) == (
        "referral_sent", "con-1", True, "mpls-clinician", "staff:cm-17", referral["provider_id"])


def test_a_consent_for_a_class_of_recipients_for_treatment_lets_it_be_sent(store, site, staff):
    referral = step_down(store, sud_plan(store, site))
    receive(store, site, consent(recipient_id=None))
    assert move_referral(store, staff, site, referral["_id"], "sent")["status"] == "sent"


@pytest.mark.parametrize("reported", [
    [consent(recipient_id="someone-else")],
    [consent(recipient_id=None, purpose="payment")],
    [consent(recipient_id=None, expires_on=date(2026, 11, 25))],
    [consent(recipient_id=None), consent("intake.consent.revoked", recipient_id=None)],
], ids=["another provider", "not for treatment", "expired yesterday", "revoked"])
def test_a_consent_that_does_not_cover_the_sending_leaves_it_refused(store, site, staff, reported):
    referral = step_down(store, sud_plan(store, site))
    for event in reported:
        receive(store, site, event)
    with pytest.raises(ConsentRequired):
        move_referral(store, staff, site, referral["_id"], "sent")


def test_an_illegal_move_to_sent_is_refused_as_illegal_before_consent_is_looked_at(store, site, staff):
    referral = step_down(store, sud_plan(store, site))
    move_referral(store, staff, site, referral["_id"], "cancelled", reason="moved away")
    with pytest.raises(IllegalTransition):
        move_referral(store, staff, site, referral["_id"], "sent")


def test_a_mental_health_referral_is_sent_without_consent_and_still_accounted_for(store, site, staff):
    referral = step_down(store, discharge(store, site))
    move_referral(store, staff, site, referral["_id"], "sent")
    disclosure = store.disclosures.find_one({"_id": referral_disclosure_id(referral["_id"])})
    assert (disclosure["part2"], disclosure["consent_id"]) == (False, None)


def test_a_sending_a_crash_kept_out_of_the_accounting_is_written_by_the_referral_sweep(store, site, staff, monkeypatch,
                                                                                        context):
    referral = step_down(store, discharge(store, site))
    original = store.disclosures.insert_once

    def crash(document, *args, **kwargs):
        raise Crash()

    monkeypatch.setattr(store.disclosures, "insert_once", crash)
    with pytest.raises(Crash):
        move_referral(store, staff, site, referral["_id"], "sent")
    monkeypatch.setattr(store.disclosures, "insert_once", original)
    sweep_referrals(store, context.sites, "aftercare", today=date(2026, 11, 26))
    assert [d["_id"] for d in store.db[DISCLOSURES].find()] == [referral_disclosure_id(referral["_id"])]
    assert store.referrals.find_one({"_id": referral["_id"]})["sent_disclosure"]["recorded"] is True


# --- the obtain_consent task ------------------------------------------------------------------------------


def test_a_substance_use_plan_without_a_covering_consent_opens_an_obtain_consent_task(store, site):
    sud_plan(store, site)
    task = plan_task(store, "obtain_consent")
    assert (task["status"], task["owner_role"], task["due_date"]) == ("open", "case_manager", date(2026, 10, 27))


def test_a_consent_already_covering_the_step_down_provider_opens_no_task(store, site):
    receive(store, site, consent(recipient_id=None))
    sud_plan(store, site)
    assert plan_task(store, "obtain_consent") is None


def test_a_mental_health_plan_opens_no_obtain_consent_task(store, site):
    discharge(store, site)
    assert plan_task(store, "obtain_consent") is None


def test_a_consent_arriving_after_the_plan_completes_its_obtain_consent_task(store, site):
    sud_plan(store, site)
    receive(store, site, consent(recipient_id=None))
    task = plan_task(store, "obtain_consent")
    assert (task["status"], task["consent_id"]) == ("completed", "con-1")


def consent_arriving_before_the_tasks_are_written(store, site, monkeypatch, then=None):
    """The consent is handled after the plan found none and before its tasks are written: it finds
    no obtain_consent task to settle. ``then`` runs after the tasks are written."""
    insert_tasks = store.tasks.insert_many_once

    def consent_first(*args, **kwargs):
        receive(store, site, consent(recipient_id=None))
        inserted = insert_tasks(*args, **kwargs)
        if then:
            then()
        return inserted

    monkeypatch.setattr(store.tasks, "insert_many_once", consent_first)


def test_a_consent_arriving_while_the_plan_is_made_completes_its_obtain_consent_task(store, site, monkeypatch):
    consent_arriving_before_the_tasks_are_written(store, site, monkeypatch)
    sud_plan(store, site)
    assert plan_task(store, "obtain_consent")["status"] == "completed"


def test_a_plan_resumed_after_a_crash_completes_the_task_a_consent_arrived_for_meanwhile(store, site, monkeypatch):
    def crash():
        raise Crash()

    consent_arriving_before_the_tasks_are_written(store, site, monkeypatch, then=crash)
    with pytest.raises(Crash):
        sud_plan(store, site)
    monkeypatch.undo()
    assert plan_task(store, "obtain_consent")["status"] == "open"
    sud_plan(store, site)  # the redelivery: the consent covers the provider now, the plan exists
    assert plan_task(store, "obtain_consent")["status"] == "completed"


def test_a_consent_for_another_provider_leaves_the_task_open(store, site):
    sud_plan(store, site)
    receive(store, site, consent(recipient_id="someone-else"))
    assert plan_task(store, "obtain_consent")["status"] == "open"


def test_a_death_opens_no_obtain_consent_task(store, site):
    sud_plan(store, site, outcome="death")
    assert plan_task(store, "obtain_consent") is None


def test_consents_are_kept_per_site(store, site):
    receive(store, site, consent())
    assert consents_of(store, "stpaul", "pat-1") == []


# --- a consent that ends with the treatment ------------------------------------------------------------


def test_a_consent_ending_with_the_treatment_no_longer_covers_a_referral_after_the_discharge(store, site, staff):
    receive(store, site, consent(expiry_event="end_of_treatment", occurred_at=datetime(2026, 9, 1, tzinfo=timezone.utc)))
    referral = step_down(store, sud_plan(store, site))  # discharged 2026-10-26; today is 2026-11-26
    with pytest.raises(ConsentRequired):
        move_referral(store, staff, site, referral["_id"], "sent")


def test_a_consent_ending_with_the_treatment_still_covers_while_a_next_enrollment_continues_it(store, site, staff):
    receive(store, site, consent(expiry_event="end_of_treatment", occurred_at=datetime(2026, 9, 1, tzinfo=timezone.utc)))
    referral = step_down(store, sud_plan(store, site))
    admitted = arrival("intake.enrollment.admitted", {
        "enrollment_id": "enr-2", "patient_id": "pat-1", "program": "op-adult", "start_date": date(2026, 10, 27),
        "planned_weeks": 12, "planned_end_date": date(2027, 1, 19)})
    record_admission(store, cause_of(admitted), site, admitted)
    assert move_referral(store, staff, site, referral["_id"], "sent")["status"] == "sent"
