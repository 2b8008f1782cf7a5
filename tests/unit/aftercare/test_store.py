"""Aftercare's store gives back every instant, date and boolean it was given, as such, whatever form
the database returns them in: each collection's codec declares every such path."""
from datetime import date

from services.aftercare.store import AftercareStore
from services.aftercare.use_cases import (
    clinical_tasks,
    consents,
    follow_up,
    packets,
    providers,
    referrals,
    suicide_risk,
    sweeps,
    tasks,
)
from services.aftercare.use_cases.plans import create_plan_on_discharge
from shared import day_rollups
from shared.store import BOOKKEEPING
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.aftercare.support import (
    StubGateway,
    arrival,
    attendance,
    booking,
    cancellation,
    cause_of,
    consent,
    cssrs_recorded,
    discharge,
    intensity_below,
    measurement_overdue,
    note_overdue,
    note_signed,
    plan_activated,
    plan_reviewed,
    plan_task,
    reconciliation,
    review_due,
    risk_flag,
    safety_plan_recorded,
    sud_completion,
    summary_drafted,
)


def every_kind_of_document(context, store, site, staff):
    """Every document aftercare writes, each with every optional part it may carry."""
    admitted = arrival("intake.enrollment.admitted", {
        "enrollment_id": "enr-1", "patient_id": "pat-1", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "planned_weeks": 8, "planned_end_date": date(2026, 10, 27)})
    for event, record in ((admitted, follow_up.record_admission), (booking("appt-0"), follow_up.record_follow_up_booking),
                          (cancellation("appt-0"), follow_up.record_follow_up_cancellation)):
        record(store, cause_of(event), site, event)
    plan = discharge(store, site)
    booked = booking(late=True)
    follow_up.record_follow_up_booking(store, cause_of(booked), site, booked)
    sweeps.sweep_overdue_follow_ups(store, context.sites, "aftercare", today=date(2026, 10, 30))
    for event, record in ((attendance(), follow_up.record_follow_up_visit),
                          (reconciliation(), follow_up.record_reconciliation)):
        record(store, cause_of(event), site, event)
    relapse = plan_task(store, "relapse_prevention_plan")["_id"]
    tasks.assign_task(store, staff, relapse, "staff:cm-17")
    tasks.complete_task(store, staff, relapse, note="written with the patient")
    [step_down] = store.referrals.find({})
    referrals.move_referral(store, staff, site, step_down["_id"], "sent")
    referrals.move_referral(store, staff, site, step_down["_id"], "declined", reason="no capacity")
    added = referrals.add_referral(store, staff, plan["_id"], "psychiatry", None)
    referrals.move_referral(store, staff, site, added["_id"], "sent")
    sweeps.sweep_referrals(store, context.sites, "aftercare", today=date(2027, 3, 1))
    second_round_documents(store, site, staff)
    suicide_risk_documents(store, site, staff)
    day_rollups.sweep(store)  # the worker's: the follow-up report's days


def suicide_risk_documents(store, site, staff):
    """A screen, a risk level, a safety plan, the safety screening completed on them, a missed re-measurement."""
    for event, record in ((risk_flag(), suicide_risk.record_risk_flag),
                          (cssrs_recorded(), suicide_risk.record_assessment),
                          (safety_plan_recorded(), suicide_risk.record_safety_plan),
                          (measurement_overdue(), tasks.raise_re_measurement)):
        record(store, cause_of(event), site, event)
    [screening] = store.tasks.find({"kind": "safety_screening"})
    tasks.complete_task(store, staff, screening["_id"])


def second_round_documents(store, site, staff):
    """The directory, consents, disclosures, visits recorded by staff and the episode-of-care tasks."""
    providers.register_provider(store, staff, {"name": "Prairie Clinic", "npi": "9876543213",
                                               "levels_of_care": ["psychiatry"], "accepts_electronic_referrals": True})
    for event, record in ((consent(), consents.record_consent_granted),
                          (consent("intake.consent.revoked", consent_id="con-0"), consents.record_consent_revoked),
                          (review_due("review", plan_id="tp-1", trigger="scheduled"), clinical_tasks.open_treatment_plan_task),
                          (plan_reviewed(), clinical_tasks.record_plan_reviewed),
                          (plan_activated(), clinical_tasks.record_plan_activated),
                          (note_signed(), clinical_tasks.record_note_signed),
                          (note_overdue(), clinical_tasks.open_session_note_task),
                          (intensity_below(), clinical_tasks.open_intensity_review),
                          (summary_drafted(), follow_up.record_discharge_summary)):
        record(store, cause_of(event), site, event)
    plan = store.plans.find_one({"enrollment_id": "enr-1"})
    follow_up.record_staff_visit(store, staff, site, plan["_id"], date(2026, 10, 28), "telehealth")
    ended = sud_completion(enrollment_id="enr-2")
    sud_plan = create_plan_on_discharge(store, cause_of(ended), site, ended)
    [referral] = store.referrals.find({"plan_id": sud_plan["_id"]})
    for status in ("sent", "accepted", "scheduled", "completed"):
        referrals.move_referral(store, staff, site, referral["_id"], status)
    packets.referral_packet(store, staff, site, referral["_id"], StubGateway())


def without_bookkeeping(document):
    return {key: value for key, value in document.items() if key not in BOOKKEEPING}


def test_every_instant_date_and_boolean_reads_back_as_such_whatever_the_database_returns(context, store, site,
                                                                                          staff):
    every_kind_of_document(context, store, site, staff)
    for name in AftercareStore.COLLECTIONS:
        documents = getattr(store, name)
        as_written = [typed(without_bookkeeping(document)) for document in documents.find({}, sort=[("_id", 1)])]
        assert as_written, name
        for raw in store.db[name].find({}):
            store.db[name].replace_one({"_id": raw["_id"]}, as_the_stand_in_returns(raw))
        as_read = [typed(without_bookkeeping(document)) for document in documents.find({}, sort=[("_id", 1)])]
        assert as_read == as_written, name


def test_no_stored_day_is_left_a_string(context, store, site, staff):
    every_kind_of_document(context, store, site, staff)
    for name in AftercareStore.COLLECTIONS:
        for document in getattr(store, name).find({}):
            assert strings_like_days(without_bookkeeping(document)) == [], name
