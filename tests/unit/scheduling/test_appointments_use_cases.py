"""Rescheduling, cancelling and taking attendance at an appointment, on the in-memory store."""
from datetime import date, datetime, timezone

import pytest

from services.scheduling.store import APPOINTMENTS
from services.scheduling.use_cases import appointments
from services.scheduling.use_cases.follow_up_booking import book_follow_up
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.scheduling.support import admission, discharge, event_cause, events

WEDNESDAY_TWO_PM = datetime(2027, 1, 20, 20, 0, tzinfo=timezone.utc)  # 14:00 at the site
MONDAY_AFTER_THE_WINDOW = datetime(2027, 1, 25, 16, 0, tzinfo=timezone.utc)
LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def follow_up(store, site) -> dict:
    completion = discharge(admission())
    book_follow_up(store, event_cause(), site, completion)
    return store.appointments.find_one({"enrollment_id": completion["enrollment_id"]})


def all_pages(documents, query, sort):
    return documents.find(query, sort=sort)


def test_rescheduling_moves_the_appointment_keeping_its_length(store, cause, site, follow_up):
    moved = appointments.reschedule_appointment(store, cause, site, follow_up["_id"], WEDNESDAY_TWO_PM)
    assert (moved["starts_at"], moved["ends_at"] - moved["starts_at"]) == (
        WEDNESDAY_TWO_PM, follow_up["ends_at"] - follow_up["starts_at"])
    assert moved["history"][-1] == {"at": moved["history"][-1]["at"], "by": "clinician-key", "action": "rescheduled",
                                    "starts_at": WEDNESDAY_TWO_PM}


def test_a_rescheduled_appointment_reads_back_with_its_types(store, cause, site, follow_up):
    appointments.reschedule_appointment(store, cause, site, follow_up["_id"], WEDNESDAY_TWO_PM)
    stored = appointments.get_appointment(store, site, follow_up["_id"])
    assert (stored["starts_at"], stored["late"], stored["discharge_date"]) == (WEDNESDAY_TWO_PM, False,
                                                                             date(2027, 1, 15))


def test_rescheduling_re_emits_appointment_booked_with_the_new_start(store, cause, site, follow_up):
    appointments.reschedule_appointment(store, cause, site, follow_up["_id"], WEDNESDAY_TWO_PM)
    booked = events(store, APPOINTMENTS, "scheduling.appointment.booked")
    assert [event["payload"]["starts_at"] for event in booked] == [
        "2027-01-18T16:00:00+00:00", "2027-01-20T20:00:00+00:00"]


def test_rescheduling_a_follow_up_past_its_seven_days_marks_it_late(store, cause, site, follow_up):
    moved = appointments.reschedule_appointment(store, cause, site, follow_up["_id"], MONDAY_AFTER_THE_WINDOW)
    assert moved["late"] is True
    assert events(store, APPOINTMENTS, "scheduling.appointment.booked")[-1]["payload"]["late"] is True


def test_rescheduling_into_the_past_is_refused_on_the_field(store, cause, site, follow_up):
    with pytest.raises(Invalid) as refused:
        appointments.reschedule_appointment(store, cause, site, follow_up["_id"], LONG_AGO)
    assert list(refused.value.errors) == ["starts_at"]


def test_an_unknown_appointment_is_not_found_before_its_instant_is_judged(store, cause, site):
    with pytest.raises(NotFound):
        appointments.reschedule_appointment(store, cause, site, "no-such-appointment", LONG_AGO)


def test_a_cancelled_appointment_cannot_be_rescheduled(store, cause, site, follow_up):
    appointments.cancel_appointment(store, cause, site, follow_up["_id"], reason="patient_request")
    with pytest.raises(Conflict):
        appointments.reschedule_appointment(store, cause, site, follow_up["_id"], WEDNESDAY_TWO_PM)


def test_cancelling_emits_the_reason_code_and_keeps_the_note_in_the_history_only(store, cause, site, follow_up):
    note = "Patient asked to call back after her shift."
    cancelled = appointments.cancel_appointment(store, cause, site, follow_up["_id"], reason="patient_request",
                                                note=note)
    [event] = events(store, APPOINTMENTS, "scheduling.appointment.cancelled")
    assert (cancelled["status"], cancelled["history"][-1]["note"]) == ("cancelled", note)
    assert event["payload"]["reason"] == "patient_request"
    assert note not in str(events(store, APPOINTMENTS))


def test_cancelling_again_changes_nothing_and_emits_nothing_more(store, cause, site, follow_up):
    appointments.cancel_appointment(store, cause, site, follow_up["_id"], reason="other")
    again = appointments.cancel_appointment(store, cause, site, follow_up["_id"])
    assert again["status"] == "cancelled"
    assert len(events(store, APPOINTMENTS, "scheduling.appointment.cancelled")) == 1


def test_a_reason_outside_the_codes_is_refused(store, cause, site, follow_up):
    with pytest.raises(Invalid) as refused:
        appointments.cancel_appointment(store, cause, site, follow_up["_id"], reason="she was rude")
    assert list(refused.value.errors) == ["reason"]


def test_an_attended_appointment_cannot_be_cancelled(store, cause, site, follow_up):
    appointments.record_appointment_attendance(store, cause, site, follow_up["_id"], "attended")
    with pytest.raises(Conflict):
        appointments.cancel_appointment(store, cause, site, follow_up["_id"], reason="other")


def test_attendance_emits_appointment_attended_and_may_be_corrected(store, cause, site, follow_up):
    appointments.record_appointment_attendance(store, cause, site, follow_up["_id"], "no_show")
    corrected = appointments.record_appointment_attendance(store, cause, site, follow_up["_id"], "attended")
    attended = events(store, APPOINTMENTS, "scheduling.appointment.attended")
    assert corrected["status"] == "attended"
    assert [event["payload"]["status"] for event in attended] == ["no_show", "attended"]


def test_a_cancelled_appointment_cannot_be_attended(store, cause, site, follow_up):
    appointments.cancel_appointment(store, cause, site, follow_up["_id"])
    with pytest.raises(Conflict):
        appointments.record_appointment_attendance(store, cause, site, follow_up["_id"], "attended")


def test_another_sites_appointment_is_not_found_and_unchanged(store, cause, site, other_site, follow_up):
    with pytest.raises(NotFound):
        appointments.cancel_appointment(store, cause, other_site, follow_up["_id"], reason="other")
    assert appointments.get_appointment(store, site, follow_up["_id"])["status"] == "booked"


def test_appointments_are_listed_by_site_dates(store, site, follow_up):
    on_the_day = appointments.list_appointments(store, site, {"from_date": date(2027, 1, 18),
                                                              "to_date": date(2027, 1, 18)}, all_pages)
    the_day_after = appointments.list_appointments(store, site, {"from_date": date(2027, 1, 19)}, all_pages)
    assert ([appointment["_id"] for appointment in on_the_day], the_day_after) == ([follow_up["_id"]], [])
