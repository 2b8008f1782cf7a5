"""The provider directory, consent before disclosure, the accounting of disclosures, follow-up visits
recorded by staff and the iop_follow_up report, over HTTP on the test database."""
import itertools
from datetime import date

from services.aftercare.domain.providers import needs_details, placeholder_name, search_selector
from services.aftercare.store import PLANS
from shared.store import query_of
from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.aftercare.conftest import completion, deliver, event

LAKESIDE = {"name": "Lakeside Counseling", "npi": "1234567893", "levels_of_care": ["outpatient_therapy", "psychiatry"],
            "address": {"line1": "2100 Lake Street, Suite 300", "city": "Minneapolis", "state": "MN",
                        "postal_code": "55408"},
            "phone": "+1 612 555 0142", "accepted_payers": ["Medicaid"], "accepts_electronic_referrals": True}
CONSENT_REQUIRED = "https://iop-operations.example/problems/consent-required"


def register(aftercare, **fields):
    answer = aftercare.post("/v1/providers", json={**LAKESIDE, **fields}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    return answer.json


def sud_completion(enrollment_id="00000000-0000-4000-8000-00000000e001", step_down=None, outcome="completed", patient_id="00000000-0000-4000-8000-00000000a001"):
    """A completion of the adult substance-use IOP (a Part 2 program in the demo catalog)."""
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return event(event_type, {
        "enrollment_id": enrollment_id, "patient_id": patient_id, "program": "sud-adult",
        "start_date": date(2026, 8, 3), "discharge_date": date(2026, 10, 26), "outcome": outcome,
        "step_down": step_down or {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"}})


def consent(event_type="intake.consent.granted", recipient_id=None, consent_id="con-1", **fields):
    payload = {"consent_id": consent_id, "patient_id": "00000000-0000-4000-8000-00000000a001", "scope": ["referral_packet"],
               "recipient_id": recipient_id, "recipient_class": None if recipient_id else "tpo",
               "purpose": "treatment", "expires_on": None, "expiry_event": None, **fields}
    return event(event_type, payload)


def the_plan(aftercare, enrollment_id="00000000-0000-4000-8000-00000000e001"):
    [plan] = aftercare.get(f"/v1/plans?enrollment_id={enrollment_id}", headers=CLINICIAN).json
    return plan


def send(aftercare, referral_id, headers=CLINICIAN):
    return aftercare.post(f"/v1/referrals/{referral_id}/transitions", json={"to": "sent"}, headers=headers)


# --- the provider directory --------------------------------------------------------------------------


def test_a_provider_is_added_to_the_directory_and_read_back(aftercare):
    provider = register(aftercare)
    answer = aftercare.get(f"/v1/providers/{provider['id']}", headers=CLINICIAN)
    assert (answer.status_code, answer.json["name"], answer.json["address"]["city"], answer.json["created_from"]) == (
        200, "Lakeside Counseling", "Minneapolis", "directory")


def test_a_provider_with_a_wrong_npi_check_digit_is_refused_naming_npi(aftercare):
    answer = aftercare.post("/v1/providers", json={**LAKESIDE, "npi": "1234567890"}, headers=CLINICIAN)
    assert (answer.status_code, answer.content_type, list(answer.json["errors"])) == (
        422, "application/problem+json", ["npi"])


def test_a_provider_already_in_the_directory_by_its_folded_name_is_a_conflict(aftercare):
    register(aftercare)
    answer = aftercare.post("/v1/providers", json={"name": "LAKESIDE  counseling"}, headers=CLINICIAN)
    assert answer.status_code == 409


def test_the_directory_is_searched_by_level_of_care_and_by_part_of_the_name_ignoring_case(aftercare):
    register(aftercare)
    register(aftercare, name="North Star Recovery", npi="9876543213", levels_of_care=["mat"])
    by_level = aftercare.get("/v1/providers?level_of_care=mat", headers=CLINICIAN).json
    by_name = aftercare.get("/v1/providers?name=LAKE", headers=CLINICIAN).json
    inside = aftercare.get("/v1/providers?name=star%20rec", headers=CLINICIAN).json
    assert ([p["name"] for p in by_level], [p["name"] for p in by_name], [p["name"] for p in inside]) == (
        ["North Star Recovery"], ["Lakeside Counseling"], ["North Star Recovery"])


def test_a_correction_changes_the_fields_sent(aftercare):
    provider = register(aftercare)
    answer = aftercare.patch(f"/v1/providers/{provider['id']}", json={"accepts_electronic_referrals": False},
                             headers=CLINICIAN)
    assert (answer.status_code, answer.json["accepts_electronic_referrals"], answer.json["phone"]) == (
        200, False, "+1 612 555 0142")


def test_another_sites_provider_answers_404_and_is_not_listed(aftercare):
    provider = register(aftercare)
    assert aftercare.get(f"/v1/providers/{provider['id']}", headers=OTHER_SITE).status_code == 404
    assert aftercare.patch(f"/v1/providers/{provider['id']}", json={"phone": "+1 651 555 0100"},
                           headers=OTHER_SITE).status_code == 404
    assert aftercare.get("/v1/providers", headers=OTHER_SITE).json == []


def test_a_referral_to_a_typed_name_with_spaces_is_accepted_and_names_a_directory_entry(aftercare, context):
    deliver(context, completion())
    answer = aftercare.post("/v1/referrals", json={"plan_id": the_plan(aftercare)["id"], "level_of_care": "mat",
                                                   "provider_name": "North Star Recovery Services"}, headers=CLINICIAN)
    assert answer.status_code == 201, answer.json
    entry = aftercare.get(f"/v1/providers/{answer.json['provider_id']}", headers=CLINICIAN).json
    assert (entry["name"], entry["created_from"], entry["levels_of_care"]) == (
        "North Star Recovery Services", "typed_name", ["mat"])


def test_a_referral_naming_its_provider_two_ways_is_refused(aftercare, context):
    deliver(context, completion())
    answer = aftercare.post("/v1/referrals", json={"plan_id": the_plan(aftercare)["id"], "level_of_care": "mat",
                                                   "provider_name": "North Star", "provider": "npi:1234567893"},
                            headers=CLINICIAN)
    assert answer.status_code == 422


def test_the_discharges_step_down_provider_is_found_in_the_directory_by_its_npi(aftercare, context):
    provider = register(aftercare)
    deliver(context, completion())
    assert the_plan(aftercare)["referrals"][0]["provider_id"] == provider["id"]


def test_the_entries_a_discharge_made_are_listed_as_needing_details_until_staff_complete_them(aftercare, context):
    complete = register(aftercare)
    deliver(context, completion())  # its step-down provider, npi:1234567893, is in the directory already
    deliver(context, completion(enrollment_id="00000000-0000-4000-8000-00000000e002",
                                step_down={"level_of_care": "psychiatry", "provider_id": "npi:9876543213"}))
    [made] = aftercare.get("/v1/providers?needs_details=true", headers=CLINICIAN).json
    assert (made["name"], made["created_from"], made["needs_details"]) == ("NPI 9876543213", "reference", True)
    assert [p["id"] for p in aftercare.get("/v1/providers?needs_details=false", headers=CLINICIAN).json] == [complete["id"]]
    assert aftercare.get(f"/v1/providers/{complete['id']}", headers=CLINICIAN).json["needs_details"] is False

    named = aftercare.patch(f"/v1/providers/{made['id']}", json={"name": "North Star Psychiatry"}, headers=CLINICIAN)
    assert named.json["needs_details"] is True  # still no way to reach it
    reached = aftercare.patch(f"/v1/providers/{made['id']}", json={"phone": "+1 612 555 0177"}, headers=CLINICIAN)
    assert reached.json["needs_details"] is False
    assert aftercare.get("/v1/providers?needs_details=true", headers=CLINICIAN).json == []


def test_the_needs_details_query_and_rule_agree_on_every_shape_of_entry(context):
    """Each of phone and address missing, null or given, and the name a placeholder's or not: the
    store's query finds exactly the entries the rule flags (on the test database, whose null and
    missing handling differs from MongoDB's in places)."""
    shapes = {"missing": {}, "null": None, "given": "x"}
    documents = []
    for phone, address, name in itertools.product(shapes, shapes, (placeholder_name("n1-abc"), "Lakeside")):
        document = {"_id": f"{phone}-{address}-{name[:3]}", "site_id": "mpls", "name": name}
        for field, shape in (("phone", phone), ("address", address)):
            if shape != "missing":
                document[field] = shapes[shape] if shape == "null" else {"line1": "x"} if field == "address" else "x"
        documents.append(document)
    context.store.providers.raw.insert_many(documents)
    for incomplete in (True, False):
        found = {document["_id"] for document in context.store.providers.raw.find(
            query_of(search_selector("mpls", incomplete=incomplete)), {"_id": 1})}
        assert found == {document["_id"] for document in documents if needs_details(document) is incomplete}
    assert 0 < len({d["_id"] for d in documents if needs_details(d)}) < len(documents)


# --- consent before disclosure ----------------------------------------------------------------------------


def test_sending_a_substance_use_referral_without_consent_is_409_consent_required(aftercare, context):
    deliver(context, sud_completion())
    referral = the_plan(aftercare)["referrals"][0]
    answer = send(aftercare, referral["id"])
    assert (answer.status_code, answer.content_type, answer.json["type"], answer.json["title"]) == (
        409, "application/problem+json", CONSENT_REQUIRED, "Consent required")
    assert aftercare.get(f"/v1/referrals/{referral['id']}", headers=CLINICIAN).json["status"] == "created"


def test_with_intakes_consent_the_referral_is_sent_and_the_disclosure_accounted_for(aftercare, context):
    deliver(context, sud_completion())
    deliver(context, consent())
    referral = the_plan(aftercare)["referrals"][0]
    answer = send(aftercare, referral["id"], headers={**CLINICIAN, "X-Actor": "staff:cm-17"})
    [disclosure] = aftercare.get("/v1/disclosures?patient_id=00000000-0000-4000-8000-00000000a001", headers=CLINICIAN).json
    assert answer.status_code == 200
    assert (disclosure["kind"], disclosure["recipient_id"], disclosure["consent_id"], disclosure["part2"],
            disclosure["by"], disclosure["on_behalf_of"]) == (
        "referral_sent", referral["provider_id"], "con-1", True, "Minneapolis front-end", "staff:cm-17")


def test_a_revoked_consent_stops_the_next_disclosure(aftercare, context):
    deliver(context, sud_completion())
    deliver(context, consent())
    deliver(context, consent("intake.consent.revoked", revoked_on=date(2026, 11, 25)))
    assert send(aftercare, the_plan(aftercare)["referrals"][0]["id"]).status_code == 409


def test_the_plan_shows_the_obtain_consent_task_and_the_patients_consents(aftercare, context):
    deliver(context, sud_completion())
    deliver(context, consent(recipient_id="someone-else"))
    plan = the_plan(aftercare)
    assert "obtain_consent" in [task["kind"] for task in plan["tasks"]]
    assert [(c["consent_id"], c["status"], c["recipient_id"]) for c in plan["consents"]] == [
        ("con-1", "active", "someone-else")]


def test_the_accounting_is_the_sites_own(aftercare, context):
    deliver(context, completion())
    send(aftercare, the_plan(aftercare)["referrals"][0]["id"])
    assert len(aftercare.get("/v1/disclosures?patient_id=00000000-0000-4000-8000-00000000a001", headers=CLINICIAN).json) == 1
    assert aftercare.get("/v1/disclosures?patient_id=00000000-0000-4000-8000-00000000a001", headers=OTHER_SITE).json == []


# --- follow-up visits recorded by staff, and the report ------------------------------------------------------


def test_a_follow_up_visit_recorded_by_staff_meets_the_follow_up(aftercare, context):
    deliver(context, completion())
    plan = the_plan(aftercare)
    answer = aftercare.post(f"/v1/plans/{plan['id']}/follow-up-visits",
                            json={"visited_on": "2026-10-30", "kind": "telehealth"}, headers=CLINICIAN)
    assert (answer.status_code, answer.json["follow_up"]["met_on"], answer.json["follow_up"]["within_7"]) == (
        201, "2026-10-30", True)


def test_a_follow_up_visit_in_the_future_is_refused_naming_visited_on(aftercare, context):
    deliver(context, completion())
    answer = aftercare.post(f"/v1/plans/{the_plan(aftercare)['id']}/follow-up-visits",
                            json={"visited_on": "2026-12-01", "kind": "in_person"}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["visited_on"])


def test_another_sites_plan_takes_no_follow_up_visit(aftercare, context):
    deliver(context, completion())
    answer = aftercare.post(f"/v1/plans/{the_plan(aftercare)['id']}/follow-up-visits",
                            json={"visited_on": "2026-10-30", "kind": "in_person"}, headers=OTHER_SITE)
    assert answer.status_code == 404


def test_the_report_is_iop_follow_up_with_numerator_denominator_and_exclusions_per_site(aftercare, context):
    deliver(context, completion())
    deliver(context, completion(enrollment_id="00000000-0000-4000-8000-00000000e002", outcome="death"))
    deliver(context, completion(enrollment_id="00000000-0000-4000-8000-00000000e003", outcome="transferred",
                                step_down={"level_of_care": "residential", "provider_id": None}))
    report = aftercare.get("/v1/reports/follow-up?from=2026-10-01&to=2026-10-31", headers=CLINICIAN).json
    [mpls] = report["sites"]
    assert report["measure"]["id"] == "iop_follow_up"
    assert (mpls["discharges"], mpls["excluded"]) == (3, {"death": 1, "transfer_to_higher_level": 1})
    assert mpls["windows"] == [{"days": 7, "numerator": 0, "denominator": 1, "open": 0, "rate": 0.0},
                               {"days": 30, "numerator": 0, "denominator": 1, "open": 0, "rate": 0.0}]


def test_the_plan_says_why_a_death_is_left_out_of_the_measure(aftercare, context):
    deliver(context, completion(outcome="death"))
    plan = the_plan(aftercare)
    assert (plan["template"], plan["follow_up_exclusion"], [t["kind"] for t in plan["tasks"]]) == (
        "closing", "death", ["closing"])
    assert context.db[PLANS].count_documents({}) == 1
