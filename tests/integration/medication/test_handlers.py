"""Medication's handlers of intake's events, called directly on a service context: what they store
and emit, and that a redelivery changes nothing."""
from datetime import date, datetime, timedelta, timezone

from services.medication.domain.orders import new_order
from services.medication.store import ENROLLMENTS, PATIENTS, RECONCILIATIONS
from tests.conftest import CLINICIAN, pending_events
from tests.integration.medication.conftest import (
    OTHER_SITE_ID,
    SITE,
    deliver,
    discharge_event,
    intake_event,
    known_patient,
    order_body,
    prescribe,
)

DISCHARGE = date(2026, 10, 26)


def reconciliations(context, enrollment_id):
    return context.store.reconciliations.find({"site_id": SITE, "enrollment_id": enrollment_id})


def test_a_registered_patient_is_known_at_its_site_once_however_often_the_event_comes(medication_context):
    event = intake_event("intake.patient.registered", {"patient_id": "p-1"})
    deliver(medication_context, event)
    deliver(medication_context, event)
    known = medication_context.db[PATIENTS].find({"_id": "p-1"}, {"site_id": 1})
    assert list(known) == [{"_id": "p-1", "site_id": SITE}]


def test_an_admission_records_the_enrollment_and_makes_its_patient_known(medication_context):
    deliver(medication_context, intake_event("intake.enrollment.admitted", {
        "enrollment_id": "e-1", "patient_id": "p-2", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "planned_weeks": 8, "planned_end_date": date(2026, 10, 27)}))
    enrollment = medication_context.db[ENROLLMENTS].find_one({"_id": "e-1", "site_id": SITE})
    assert (enrollment["patient_id"], enrollment["start_date"]) == ("p-2", "2026-09-01")
    assert medication_context.db[PATIENTS].find_one({"_id": "p-2", "site_id": SITE}) is not None


def test_a_completion_reconciles_the_active_orders_at_their_current_doses(medication, medication_context):
    patient_id = known_patient(medication_context)
    kept = prescribe(medication, patient_id, medication="Sertraline", dose="50 mg")
    medication.post(f"/v1/orders/{kept['id']}/adjustments", json={"dose": "100 mg", "reason": "partial response"},
                    headers=CLINICIAN)
    stopped = prescribe(medication, patient_id, medication="Quetiapine")
    medication.post(f"/v1/orders/{stopped['id']}/discontinue", json={"reason": "sedation"}, headers=CLINICIAN)
    event = discharge_event(patient_id, DISCHARGE)

    deliver(medication_context, event)

    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    assert [(entry["order_id"], entry["dose"]) for entry in reconciliation["medications"]] == [(kept["id"], "100 mg")]


def test_a_completion_emits_reconciliation_completed_with_ids_and_the_count_only(medication, medication_context):
    patient_id = known_patient(medication_context)
    prescribe(medication, patient_id)
    event = discharge_event(patient_id, DISCHARGE)

    deliver(medication_context, event)

    [completed] = pending_events(medication_context, RECONCILIATIONS, "medication.reconciliation.completed")
    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    assert completed["payload"] == {"reconciliation_id": reconciliation["_id"], "patient_id": patient_id,
                                    "enrollment_id": event.payload["enrollment_id"], "medication_count": 1}
    assert (completed["causation_id"], completed["correlation_id"]) == (event.event_id, event.correlation_id)


def test_a_discharge_delivered_twice_makes_one_reconciliation_and_one_event(medication, medication_context):
    patient_id = known_patient(medication_context)
    prescribe(medication, patient_id)
    event = discharge_event(patient_id, DISCHARGE)

    deliver(medication_context, event)
    deliver(medication_context, event)

    assert len(reconciliations(medication_context, event.payload["enrollment_id"])) == 1
    assert len(pending_events(medication_context, RECONCILIATIONS, "medication.reconciliation.completed")) == 1


def test_a_discharge_with_another_outcome_is_reconciled_too(medication, medication_context):
    patient_id = known_patient(medication_context)
    prescribe(medication, patient_id)
    event = discharge_event(patient_id, DISCHARGE, outcome="against_advice")

    deliver(medication_context, event)

    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    assert (reconciliation["outcome"], len(reconciliation["medications"])) == ("against_advice", 1)


def test_a_patient_without_active_orders_gets_an_empty_reconciliation(medication_context):
    event = discharge_event(known_patient(medication_context), DISCHARGE)

    deliver(medication_context, event)

    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    assert reconciliation["medications"] == []


def test_a_reconciliation_lists_only_the_orders_of_the_discharging_site(medication_context):
    patient_id = known_patient(medication_context)
    # Intake's UUIDs make one patient id at two sites impossible; were it to happen, the other
    # site's orders must still stay out of this site's list.
    other_sites_order, _ = new_order("o-stpaul", order_body(patient_id, start_date=date(2026, 1, 5)),
                                     datetime.now(timezone.utc), "St Paul front-end")
    medication_context.store.orders.insert({**other_sites_order, "site_id": OTHER_SITE_ID})
    event = discharge_event(patient_id, DISCHARGE)

    deliver(medication_context, event)

    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    assert reconciliation["medications"] == []


def test_a_recent_dose_change_is_marked_and_an_old_start_is_not(medication, medication_context):
    today = medication_context.sites.get(SITE).today()
    patient_id = known_patient(medication_context)
    long_ago = str(today - timedelta(days=60))
    changed = prescribe(medication, patient_id, medication="Bupropion", start_date=long_ago)
    medication.post(f"/v1/orders/{changed['id']}/adjustments", json={"dose": "150 mg", "reason": "tolerated"},
                    headers=CLINICIAN)
    steady = prescribe(medication, patient_id, medication="Sertraline", start_date=long_ago)
    event = discharge_event(patient_id, today)

    deliver(medication_context, event)

    [reconciliation] = reconciliations(medication_context, event.payload["enrollment_id"])
    marks = {entry["order_id"]: entry["recently_changed"] for entry in reconciliation["medications"]}
    assert marks == {changed["id"]: True, steady["id"]: False}
