"""The discharge reconciliation on the in-memory store: exactly one per enrollment, discontinued
orders left out, recent changes marked, redelivery idempotent, and its printable list."""
from datetime import date, timedelta

import pytest

from services.medication.domain.orders import new_order
from services.medication.store import RECONCILIATIONS, reconciliation_id_for
from services.medication.use_cases.orders import adjust_order, create_order, discontinue_order
from services.medication.use_cases.reconciliations import printable_list, reconcile_at_discharge
from services.medication.use_cases.roster import record_enrollment, record_patient
from shared.errors import NotFound
from tests.unit.medication.conftest import NOW, OTHER_SITE, SITE, TODAY, event_cause, outbox, request_cause

LONG_AGO = TODAY - timedelta(days=60)


def discharge(enrollment_id="e-1", outcome="completed", discharge_date=TODAY) -> dict:
    return {"enrollment_id": enrollment_id, "patient_id": "p-1", "program": "mh-adult", "start_date": date(2026, 9, 1),
            "discharge_date": discharge_date, "outcome": outcome, "step_down": None}


def prescribe(store, medication, start_date=LONG_AGO, **changes) -> dict:
    return create_order(store, request_cause(), {
        "patient_id": "p-1", "medication": medication, "dose": "50 mg", "route": "oral", "frequency": "once daily",
        "prescriber": "Dr. Okafor", "start_date": start_date, **changes})


@pytest.fixture(autouse=True)
def patient(store):
    record_patient(store, event_cause(SITE), "p-1")


def the_reconciliation(store, enrollment_id="e-1") -> dict:
    [reconciliation] = store.reconciliations.find({"site_id": SITE, "enrollment_id": enrollment_id})
    return reconciliation


def test_a_discharge_lists_the_active_orders_at_their_current_dose_leaving_discontinued_ones_out(store, site):
    kept = prescribe(store, "Sertraline")
    adjust_order(store, request_cause(), kept["_id"], "100 mg", "partial response")
    stopped = prescribe(store, "Quetiapine")
    discontinue_order(store, request_cause(), stopped["_id"], "sedation")

    reconcile_at_discharge(store, event_cause(), site, discharge())

    assert [(entry["order_id"], entry["dose"]) for entry in the_reconciliation(store)["medications"]] == [
        (kept["_id"], "100 mg")]


def test_a_reconciliation_keeps_the_enrollment_its_outcome_and_when_it_was_made(store, site):
    reconcile_at_discharge(store, event_cause(), site, discharge(outcome="against_advice"))

    reconciliation = the_reconciliation(store)
    assert {key: reconciliation[key] for key in ("_id", "patient_id", "outcome", "discharge_date", "completed_at")} == {
        "_id": reconciliation_id_for(SITE, "e-1"), "patient_id": "p-1", "outcome": "against_advice",
        "discharge_date": TODAY, "completed_at": NOW}


def test_recent_starts_and_dose_changes_are_marked_and_old_unchanged_orders_are_not(store, site):
    started = prescribe(store, "Bupropion", start_date=TODAY - timedelta(days=3))
    changed = prescribe(store, "Naltrexone")
    adjust_order(store, request_cause(), changed["_id"], "100 mg", "cravings")
    steady = prescribe(store, "Sertraline")

    reconcile_at_discharge(store, event_cause(), site, discharge())

    marks = {entry["order_id"]: entry["recently_changed"] for entry in the_reconciliation(store)["medications"]}
    assert marks == {started["_id"]: True, changed["_id"]: True, steady["_id"]: False}


def test_a_reconciliation_leaves_its_completion_with_ids_and_count_in_the_outbox(store, site):
    prescribe(store, "Sertraline")
    cause = event_cause(event_id="ev-discharged")

    reconcile_at_discharge(store, cause, site, discharge())

    [completed] = outbox(store, RECONCILIATIONS, "medication.reconciliation.completed")
    assert completed["payload"] == {"reconciliation_id": reconciliation_id_for(SITE, "e-1"), "enrollment_id": "e-1",
                                    "patient_id": "p-1", "medication_count": 1}
    assert (completed["causation_id"], completed["correlation_id"]) == ("ev-discharged", cause.correlation_id)


def test_a_discharge_delivered_again_makes_one_reconciliation_and_one_event(store, site):
    prescribe(store, "Sertraline")
    cause = event_cause(event_id="ev-discharged")
    reconcile_at_discharge(store, cause, site, discharge())

    again = reconcile_at_discharge(store, cause, site, discharge())

    assert again is False
    assert store.reconciliations.count({"enrollment_id": "e-1"}) == 1
    assert len(outbox(store, RECONCILIATIONS, "medication.reconciliation.completed")) == 1


def test_each_enrollment_of_a_patient_gets_its_own_reconciliation(store, site):
    reconcile_at_discharge(store, event_cause(), site, discharge("e-1"))
    reconcile_at_discharge(store, event_cause(), site, discharge("e-2"))

    assert store.reconciliations.count({"patient_id": "p-1"}) == 2


def test_another_sites_orders_stay_out_of_the_list(store, site):
    # Intake's UUIDs make one patient id at two sites impossible; were it to happen, the other
    # site's orders must still stay out of this site's list.
    order, _ = new_order("o-stpaul", {"patient_id": "p-1", "medication": "Sertraline", "dose": "50 mg",
                                      "route": "oral", "frequency": "once daily", "prescriber": "Dr. Okafor",
                                      "start_date": LONG_AGO}, NOW, "St Paul front-end")
    store.orders.insert({**order, "site_id": OTHER_SITE})

    reconcile_at_discharge(store, event_cause(), site, discharge())

    assert the_reconciliation(store)["medications"] == []


def test_the_printable_list_marks_a_recent_change(store, site):
    kept = prescribe(store, "Sertraline")
    adjust_order(store, request_cause(), kept["_id"], "100 mg", "partial response")
    reconcile_at_discharge(store, event_cause(), site, discharge())

    text = printable_list(store, site, reconciliation_id_for(SITE, "e-1"))

    assert f"* Sertraline 100 mg, oral, once daily\n    order {kept['_id']};" in text
    assert f"dose changed {TODAY.isoformat()} from 50 mg to 100 mg" in text


def a_print(store, site, read_patient=None, program="sud-adult", start=date(2026, 9, 1)) -> str:
    record_enrollment(store, event_cause(), {"enrollment_id": "e-1", "patient_id": "p-1", "program": program,
                                             "start_date": start, "planned_end_date": TODAY},
                      admitted_at=NOW)
    reconcile_at_discharge(store, event_cause(), site, discharge())
    return printable_list(store, site, reconciliation_id_for(SITE, "e-1"), read_patient=read_patient)


def test_the_printable_list_names_the_patient_as_intake_answers(store, site):
    patient = {"mrn": "MRN-1001", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12"}
    text = a_print(store, site, read_patient=lambda patient_id: (patient, None))
    assert "Patient: Rivera, Alex; born 1990-04-12; MRN MRN-1001\n" in text


def test_the_printable_list_says_why_the_patients_name_is_missing(store, site):
    text = a_print(store, site, read_patient=lambda patient_id: (None, "intake answered 503"))
    assert "Patient: p-1 (name not available: intake answered 503)\n" in text


def test_the_printable_list_names_the_site_the_program_its_dates_and_who_reconciled_it_when(store, site):
    text = a_print(store, site)
    assert "Site: Minneapolis IOP\n" in text
    assert f"Program: Adult substance use IOP (sud-adult), 2026-09-01 to {TODAY.isoformat()}\n" in text
    assert f"Discharge: {TODAY.isoformat()} (completed)\n" in text
    assert "Reconciled: 2026-11-26T12:00-06:00 by the medication service, automatically" in text


def test_the_printable_list_shows_what_was_stopped_during_the_program_with_why(store, site):
    stopped = prescribe(store, "Quetiapine", dose="25 mg")
    discontinue_order(store, request_cause(), stopped["_id"], "daytime sedation")
    text = a_print(store, site)
    assert "Stopped during the program\n  Quetiapine 25 mg, oral, once daily\n" in text
    assert f"stopped {TODAY.isoformat()}; by Minneapolis front-end; reason: daytime sedation" in text


def test_an_order_stopped_before_the_program_began_is_not_listed_as_stopped_during_it(store, site):
    stopped = prescribe(store, "Quetiapine", dose="25 mg")
    discontinue_order(store, request_cause(), stopped["_id"], "daytime sedation")
    text = a_print(store, site, start=TODAY + timedelta(days=1))
    assert "Stopped during the program\nNone.\n" in text


def test_a_substance_use_programs_list_carries_the_part_2_notice(store, site):
    assert "42 CFR part 2 prohibits unauthorized use or disclosure" in a_print(store, site, program="sud-adult")


def test_a_mental_health_programs_list_carries_no_part_2_notice(store, site):
    assert "42 CFR part 2" not in a_print(store, site, program="mh-adult")


def test_another_sites_reconciliation_is_not_printed(store, site, context):
    reconcile_at_discharge(store, event_cause(), site, discharge())

    with pytest.raises(NotFound):
        printable_list(store, context.site(OTHER_SITE), reconciliation_id_for(SITE, "e-1"))
