"""Staff booking appointments, and a discharge by death cancelling them, on the in-memory store."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.scheduling.domain.appointments import follow_up_booking_key
from services.scheduling.store import APPOINTMENTS, SCHEDULES, appointment_id
from services.scheduling.use_cases import appointments, patients, schedules
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from shared import clock
from shared.errors import Conflict, Invalid
from tests.unit.scheduling.support import FRIDAY, admission, discharge, event_cause, events

JANUARY_20 = datetime(2027, 1, 20, 20, 0, tzinfo=timezone.utc)  # 14:00 at the site, 5 days after FRIDAY
JANUARY_26 = datetime(2027, 1, 26, 16, 0, tzinfo=timezone.utc)  # 11 days after FRIDAY
DECEMBER_1 = datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)


def admit(store, site) -> dict:
    admitted = admission()
    schedules.schedule_admission(store, event_cause(), site, admitted)
    return admitted


def book(store, cause, site, patient_id, **fields) -> dict:
    return appointments.book_appointment(store, cause, site, {
        "patient_id": patient_id, "kind": "individual_therapy", "starts_at": JANUARY_20, "duration_minutes": 50,
        **fields})


def all_pages(documents, query, sort):
    return documents.find(query, sort=sort)


# --- any kind, for a patient of the site -----------------------------------------------------------

def test_staff_book_an_appointment_for_an_admitted_patient_and_it_is_announced(store, cause, site):
    patient = admit(store, site)
    booked = book(store, cause, site, patient["patient_id"])
    [event] = events(store, APPOINTMENTS, "scheduling.appointment.booked")
    assert (booked["status"], booked["ends_at"] - booked["starts_at"], booked["booked_by_staff"]) == (
        "booked", timedelta(minutes=50), True)
    assert (event["payload"]["appointment_id"], event["payload"]["kind"], event["payload"]["enrollment_id"]) == (
        booked["_id"], "individual_therapy", None)


def test_a_patient_registered_and_never_admitted_may_be_booked(store, cause, site):
    patients.record_patient(store, event_cause(), site, {"patient_id": "p-registered"})
    assert book(store, cause, site, "p-registered", kind="intake_evaluation")["kind"] == "intake_evaluation"


@pytest.mark.parametrize("patient_id", ["p-unknown", "p-of-the-other-site"])
def test_a_patient_unknown_at_the_site_is_refused_on_the_field(store, cause, site, other_site, patient_id):
    patients.record_patient(store, event_cause("stpaul"), other_site, {"patient_id": "p-of-the-other-site"})
    with pytest.raises(Invalid) as refused:
        book(store, cause, site, patient_id)
    assert list(refused.value.errors) == ["patient_id"]


def test_an_appointment_in_the_past_is_refused_on_the_field(store, cause, site):
    patient = admit(store, site)
    with pytest.raises(Invalid) as refused:
        book(store, cause, site, patient["patient_id"], starts_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert list(refused.value.errors) == ["starts_at"]


def test_an_enrollment_of_another_patient_is_refused_on_the_field(store, cause, site):
    patient, other = admit(store, site), admit(store, site)
    with pytest.raises(Invalid) as refused:
        book(store, cause, site, patient["patient_id"], enrollment_id=other["enrollment_id"])
    assert list(refused.value.errors) == ["enrollment_id"]


def test_an_appointment_may_name_the_patients_enrollment(store, cause, site):
    patient = admit(store, site)
    booked = book(store, cause, site, patient["patient_id"], enrollment_id=patient["enrollment_id"],
                  kind="medication_check_in", starts_at=DECEMBER_1)
    assert (booked["enrollment_id"], booked["late"]) == (patient["enrollment_id"], False)


# --- the follow-up, booked by staff -------------------------------------------------------------------

def discharged(store, site, outcome="against_advice") -> dict:
    patient = admit(store, site)
    schedules.end_schedule(store, event_cause(), site, discharge(patient, outcome=outcome))
    return patient


def book_follow_up_for(store, cause, site, patient, **fields) -> dict:
    return book(store, cause, site, patient["patient_id"], kind="aftercare_follow_up",
                enrollment_id=patient["enrollment_id"], **fields)


def test_a_follow_up_booked_by_staff_counts_as_the_discharges_follow_up(store, cause, site):
    patient = discharged(store, site)
    booked = book_follow_up_for(store, cause, site, patient)
    key = f"aftercare_follow_up:{patient['enrollment_id']}"
    assert (booked["_id"], booked["natural_key"], booked["discharge_date"], booked["late"]) == (
        appointment_id(site.id, key), key, FRIDAY, False)


def test_a_staff_follow_up_after_the_seven_days_is_late(store, cause, site):
    booked = book_follow_up_for(store, cause, site, discharged(store, site), starts_at=JANUARY_26)
    assert booked["late"] is True
    assert events(store, APPOINTMENTS, "scheduling.appointment.booked")[-1]["payload"]["late"] is True


def test_a_completion_after_a_staff_follow_up_books_no_second_one(store, cause, site):
    patient = discharged(store, site)
    book_follow_up_for(store, cause, site, patient)
    book_follow_up(store, event_cause(), site, discharge(patient))
    assert store.appointments.count({"enrollment_id": patient["enrollment_id"]}) == 1


def test_a_follow_up_for_a_completion_that_has_one_is_a_conflict(store, cause, site):
    patient = admit(store, site)
    schedules.complete_enrollment(store, event_cause(), site, discharge(patient))
    with pytest.raises(Conflict):
        book_follow_up_for(store, cause, site, patient)


def test_once_the_follow_up_is_cancelled_another_may_be_booked(store, cause, site):
    patient = discharged(store, site)
    first = book_follow_up_for(store, cause, site, patient)
    appointments.cancel_appointment(store, cause, site, first["_id"], reason="patient_request")
    second = book_follow_up_for(store, cause, site, patient, starts_at=JANUARY_20 + timedelta(days=1))
    assert second["natural_key"] == f"aftercare_follow_up:{patient['enrollment_id']}:1"
    with pytest.raises(Conflict):
        book_follow_up_for(store, cause, site, patient, starts_at=JANUARY_20 + timedelta(days=2))


def test_a_follow_up_names_its_enrollment(store, cause, site):
    with pytest.raises(Invalid) as refused:
        book(store, cause, site, admit(store, site)["patient_id"], kind="aftercare_follow_up")
    assert list(refused.value.errors) == ["enrollment_id"]


def test_a_follow_up_before_the_discharge_is_a_conflict(store, cause, site):
    with pytest.raises(Conflict):
        book_follow_up_for(store, cause, site, admit(store, site))


def test_the_follow_up_key_rules_decide_without_a_store():
    ended = {"enrollment_id": "e1", "status": "ended", "ended": {"date": date(2027, 1, 15), "outcome": "other"}}
    assert follow_up_booking_key(ended, []) == "aftercare_follow_up:e1"
    assert follow_up_booking_key(ended, [{"_id": "a", "status": "cancelled"}] * 2) == "aftercare_follow_up:e1:2"


# --- a discharge by death -------------------------------------------------------------------------------

def test_after_a_death_nothing_is_booked_for_the_patient(store, cause, site):
    patient = discharged(store, site, outcome="death")
    for kind, enrollment in (("aftercare_follow_up", patient["enrollment_id"]), ("other", None)):
        with pytest.raises(Conflict):
            book(store, cause, site, patient["patient_id"], kind=kind, enrollment_id=enrollment)


def test_a_death_cancels_every_future_appointment_of_the_patient_with_reason_discharged(store, cause, site):
    patient = admit(store, site)
    later = [book(store, cause, site, patient["patient_id"], starts_at=JANUARY_20 + timedelta(days=n))
             for n in range(2)]
    schedules.end_schedule(store, event_cause(), site, discharge(patient, outcome="death"))
    assert {appointments.get_appointment(store, site, booked["_id"])["status"] for booked in later} == {"cancelled"}
    assert [event["payload"]["reason"] for event in events(store, APPOINTMENTS, "scheduling.appointment.cancelled")] \
        == ["discharged", "discharged"]


def test_a_death_recorded_later_cancels_from_the_day_after_it_and_leaves_other_patients_alone(store, cause, site):
    patient, other = admit(store, site), admit(store, site)
    before, after = (book(store, cause, site, patient["patient_id"], starts_at=DECEMBER_1 + timedelta(days=n))
                     for n in (0, 11))
    others = book(store, cause, site, other["patient_id"])
    with clock.pinned(datetime(2026, 12, 20, 18, 0, tzinfo=timezone.utc)):  # recorded ten days after the death
        schedules.end_schedule(store, event_cause(), site, discharge(patient, date(2026, 12, 10), outcome="death"))
    assert [appointments.get_appointment(store, site, booked["_id"])["status"] for booked in (before, after, others)] \
        == ["booked", "cancelled", "booked"]


def test_a_death_ends_the_patients_other_schedules_too(store, cause, site):
    patient = admit(store, site)
    second = {**admission(program="sud-adult"), "patient_id": patient["patient_id"]}
    schedules.schedule_admission(store, event_cause(), site, second)
    schedules.end_schedule(store, event_cause(), site, discharge(patient, outcome="death"))
    other = schedules.get_schedule(store, site, second["enrollment_id"])
    assert (other["status"], other["ended"]["outcome"]) == ("ended", "death")
    assert {event["payload"]["reason"] for event in events(store, SCHEDULES, "scheduling.sessions.cancelled")} == {
        "death"}


def test_a_redelivered_death_cancels_nothing_more_and_books_no_follow_up(store, cause, site):
    patient = admit(store, site)
    book(store, cause, site, patient["patient_id"])
    death, reaction = discharge(patient, outcome="death"), event_cause()
    schedules.end_schedule(store, reaction, site, death)
    schedules.end_schedule(store, reaction, site, death)
    assert len(events(store, APPOINTMENTS, "scheduling.appointment.cancelled")) == 1
    assert appointments.list_appointments(store, site, {"kind": "aftercare_follow_up"}, all_pages) == []


def test_a_completion_of_another_enrollment_after_a_death_books_no_follow_up(store, cause, site):
    patient = admit(store, site)
    second = {**admission(program="sud-adult"), "patient_id": patient["patient_id"]}
    schedules.schedule_admission(store, event_cause(), site, second)
    schedules.end_schedule(store, event_cause(), site, discharge(patient, outcome="death"))
    schedules.complete_enrollment(store, event_cause(), site, discharge(second))
    assert appointments.list_appointments(store, site, {"kind": "aftercare_follow_up"}, all_pages) == []
