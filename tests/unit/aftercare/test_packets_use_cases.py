"""The referral packet on the in-memory store, the other services answered by a stub: parts read,
parts missing, consent checked, each production accounted for."""
from datetime import date

import pytest

from services.aftercare.domain.consents import ConsentRequired
from services.aftercare.use_cases.consents import record_consent_granted
from services.aftercare.use_cases.follow_up import record_discharge_summary
from services.aftercare.use_cases.packets import referral_packet
from services.aftercare.use_cases.plans import create_plan_on_discharge
from shared.other_services import Read
from tests.unit.aftercare.support import StubGateway, cause_of, consent, discharge, sud_completion, summary_drafted

PATIENT = {"id": "pat-1", "mrn": "MRN-1", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}
ANSWERS = {
    "/intake/v1/patients/pat-1": PATIENT,
    "/intake/v1/enrollments/enr-1": {"id": "enr-1", "start_date": "2026-09-01",
                                     "diagnoses": [{"code": "F33.1", "rank": 1}]},
    "/intake/v1/patients/pat-1/safety-plans": [{"version": 1}],
    "/medication/v1/reconciliations": [{"id": "rec-1", "completed_at": "2026-10-26T18:00:00+00:00",
                                        "discharge_date": "2026-10-26", "medications": []}],
    "/medication/v1/orders": [],
    "/scheduling/v1/appointments": [],
    "/treatment/v1/discharge-summaries/sum-1": {"objectives": []},
}


def the_referral(store, plan):
    [referral] = store.referrals.find({"plan_id": plan["_id"]})
    return referral


def test_every_part_the_other_services_answer_is_present(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    packet = referral_packet(store, staff, site, referral["_id"], StubGateway(ANSWERS))
    assert (packet["missing"], packet["part2"], packet["notice"]) == ([], False, None)
    assert packet["parts"]["patient"]["data"]["family_name"] == "Rivera"


def test_every_part_is_listed_even_when_no_other_service_answers(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    packet = referral_packet(store, staff, site, referral["_id"], StubGateway())
    assert [item["part"] for item in packet["missing"]] == [
        "patient", "diagnoses", "follow_up_appointment", "safety_plan", "medications", "stopped_medications"]
    assert packet["parts"]["program"]["data"]["discharge_date"] == "2026-10-26"


def test_the_other_services_are_asked_for_this_patient_and_enrollment_only(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    gateway = StubGateway(ANSWERS)
    referral_packet(store, staff, site, referral["_id"], gateway)
    assert ("/medication/v1/reconciliations", {"enrollment_id": "enr-1"}) in gateway.asked
    assert ("/scheduling/v1/appointments", {"patient_id": "pat-1", "kind": "aftercare_follow_up"}) in gateway.asked


def test_the_summary_is_read_only_once_the_plan_refers_to_one(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    gateway = StubGateway(ANSWERS)
    referral_packet(store, staff, site, referral["_id"], gateway)
    drafted = summary_drafted(unmet=("obj-2",))
    record_discharge_summary(store, cause_of(drafted), site, drafted)
    referral_packet(store, staff, site, referral["_id"], gateway)
    assert [path for path, _ in gateway.asked].count("/treatment/v1/discharge-summaries/sum-1") == 1


def test_a_packet_production_is_one_entry_of_the_accounting_listing_what_it_held(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    packet = referral_packet(store, staff, site, referral["_id"], StubGateway({"/intake/v1/patients/pat-1": PATIENT}),
                             on_behalf_of="staff:cm-17")
    [disclosure] = store.disclosures.find({})
    assert (disclosure["_id"], disclosure["kind"], disclosure["on_behalf_of"]) == (
        packet["disclosure_id"], "packet", "staff:cm-17")
    assert disclosure["what"] == ["patient", "program", "aftercare_plan", "relapse_prevention_plan"]


def test_a_substance_use_packet_needs_a_consent_and_discloses_nothing_without_one(store, site, staff):
    ended = sud_completion()
    referral = the_referral(store, create_plan_on_discharge(store, cause_of(ended), site, ended))
    with pytest.raises(ConsentRequired):
        referral_packet(store, staff, site, referral["_id"], StubGateway(ANSWERS))
    assert store.disclosures.count({}) == 0


def test_a_substance_use_packet_carries_the_notice_and_the_scope_of_its_consent(store, site, staff):
    ended = sud_completion()
    referral = the_referral(store, create_plan_on_discharge(store, cause_of(ended), site, ended))
    grant = consent(recipient_id=None, expires_on=date(2027, 5, 1))
    record_consent_granted(store, cause_of(grant), site, grant)
    packet = referral_packet(store, staff, site, referral["_id"], StubGateway(ANSWERS))
    assert packet["part2"] is True and packet["notice"]["source"].startswith("42 CFR 2.32(a)(1)")
    assert packet["consent"] == {"consent_id": "con-1", "scope": ["referral_packet"], "recipient_id": None,
                                 "recipient_class": "tpo", "purpose": "treatment", "expires_on": date(2027, 5, 1),
                                 "expiry_event": None}
    assert packet["withheld"] == []


def test_a_part_outside_the_consents_scope_is_withheld_and_not_even_read(store, site, staff):
    ended = sud_completion()
    referral = the_referral(store, create_plan_on_discharge(store, cause_of(ended), site, ended))
    grant = consent(recipient_id=None, scope=("medications",))
    record_consent_granted(store, cause_of(grant), site, grant)
    gateway = StubGateway(ANSWERS)
    packet = referral_packet(store, staff, site, referral["_id"], gateway)
    assert set(packet["withheld"]) == {"diagnoses", "aftercare_plan", "follow_up_appointment",
                                       "relapse_prevention_plan", "safety_plan", "goals"}
    assert packet["parts"]["safety_plan"] == {"status": "withheld",
                                              "reason": "outside the scope of consent con-1 (medications)"}
    assert packet["parts"]["medications"]["status"] == "present"
    assert not {"/intake/v1/patients/pat-1/safety-plans", "/scheduling/v1/appointments"} & {p for p, _ in gateway.asked}
    assert store.disclosures.find_one({})["what"] == ["patient", "program", "medications"]


def test_the_medication_list_view_reads_and_holds_only_what_it_shows(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    gateway = StubGateway(ANSWERS)
    packet = referral_packet(store, staff, site, referral["_id"], gateway, view="medication_list")
    assert list(packet["parts"]) == ["patient", "program", "medications", "stopped_medications"]
    assert not any(path.startswith("/scheduling") for path, _ in gateway.asked)
    assert store.disclosures.find_one({})["kind"] == "medication_list"


def test_a_slow_or_failing_read_is_reported_as_given(store, site, staff):
    referral = the_referral(store, discharge(store, site))
    answers = {**ANSWERS, "/intake/v1/patients/pat-1": Read(failure="intake did not answer within 4 s")}
    packet = referral_packet(store, staff, site, referral["_id"], StubGateway(answers))
    assert packet["missing"] == [{"part": "patient", "reason": "intake did not answer within 4 s"}]
