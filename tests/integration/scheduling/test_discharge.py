"""After discharge: future sessions cancelled, and one follow-up booked after a completion."""
from datetime import date

from services.scheduling.store import APPOINTMENTS, SCHEDULES
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import admission, create_group, deliver, discharge, sessions_of

FRIDAY = date(2027, 1, 15)


def statuses_after(scheduling, enrollment_id, day: date) -> set[str]:
    return {s["status"] for s in sessions_of(scheduling, enrollment_id) if s["starts_at"][:10] > day.isoformat()}


def follow_ups(scheduling, enrollment_id):
    return scheduling.get("/v1/appointments", query_string={"enrollment_id": enrollment_id, "kind": "aftercare_follow_up"},
                          headers=CLINICIAN).json


def completed_patient(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    completion = discharge(admitted, FRIDAY)
    deliver(context, completion)
    return admitted["payload"]["enrollment_id"], completion


def test_a_discharge_cancels_every_session_after_the_discharge_date(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, discharge(admitted, FRIDAY, outcome="administrative"))
    assert statuses_after(scheduling, admitted["payload"]["enrollment_id"], FRIDAY) == {"cancelled"}


def test_sessions_up_to_the_discharge_date_stay_scheduled(scheduling, context):
    enrollment_id, _ = completed_patient(scheduling, context)
    before = {s["status"] for s in sessions_of(scheduling, enrollment_id) if s["starts_at"][:10] <= FRIDAY.isoformat()}
    assert before == {"scheduled"}


def test_the_cancellation_event_counts_the_cancelled_sessions(scheduling, context):
    completed_patient(scheduling, context)
    [cancelled] = pending_events(context, SCHEDULES, "scheduling.sessions.cancelled")
    assert (cancelled["payload"]["cancelled_count"], cancelled["payload"]["reason"]) == (9, "completed")


def test_a_completion_books_one_follow_up_on_the_next_business_day(scheduling, context):
    enrollment_id, _ = completed_patient(scheduling, context)
    [follow_up] = follow_ups(scheduling, enrollment_id)
    assert (follow_up["starts_at"], follow_up["status"], follow_up["late"]) == ("2027-01-18T10:00:00-06:00", "booked", False)


def test_the_follow_up_booking_emits_appointment_booked(scheduling, context):
    enrollment_id, completion = completed_patient(scheduling, context)
    [booked] = pending_events(context, APPOINTMENTS, "scheduling.appointment.booked")
    assert (booked["payload"]["enrollment_id"], booked["payload"]["late"]) == (enrollment_id, False)
    assert booked["correlation_id"] == completion["correlation_id"]


def test_a_redelivered_completion_books_nothing_more_and_cancels_nothing_more(scheduling, context):
    enrollment_id, completion = completed_patient(scheduling, context)
    deliver(context, completion)
    assert len(follow_ups(scheduling, enrollment_id)) == 1
    assert len(pending_events(context, APPOINTMENTS, "scheduling.appointment.booked")) == 1
    assert len(pending_events(context, SCHEDULES, "scheduling.sessions.cancelled")) == 1


def test_two_completions_on_the_same_day_get_different_follow_up_slots(scheduling, context):
    first, _ = completed_patient(scheduling, context)
    second, _ = completed_patient(scheduling, context)
    assert follow_ups(scheduling, first)[0]["starts_at"] != follow_ups(scheduling, second)[0]["starts_at"]


def test_other_discharge_outcomes_book_no_follow_up(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, discharge(admitted, FRIDAY, outcome="transferred"))
    assert follow_ups(scheduling, admitted["payload"]["enrollment_id"]) == []


def test_a_discharge_that_overtakes_its_admission_leaves_no_sessions_behind(scheduling, context):
    admitted = admission(None)
    deliver(context, discharge(admitted, FRIDAY, outcome="other"))
    deliver(context, admitted)
    assert sessions_of(scheduling, admitted["payload"]["enrollment_id"]) == []
