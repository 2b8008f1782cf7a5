"""Rescheduling, cancelling and taking attendance at the follow-up appointment."""
from datetime import date

from services.scheduling.store import APPOINTMENTS
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import admission, deliver, discharge


def booked_follow_up(scheduling, context) -> dict:
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, discharge(admitted, date(2027, 1, 15)))
    [appointment] = scheduling.get("/v1/appointments", query_string={"patient_id": admitted["payload"]["patient_id"]},
                                   headers=CLINICIAN).json
    return appointment


def post(scheduling, appointment, action, body):
    return scheduling.post(f"/v1/appointments/{appointment['id']}/{action}", json=body, headers=CLINICIAN)


def test_an_appointment_has_the_pinned_fields(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    assert {"id", "patient_id", "enrollment_id", "kind", "starts_at", "status"} <= set(appointment)
    assert appointment["kind"] == "aftercare_follow_up"


def test_rescheduling_moves_the_appointment_and_re_emits_booked(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    moved = post(scheduling, appointment, "reschedule", {"starts_at": "2027-01-20T14:00:00-06:00"})
    assert (moved.status_code, moved.json["starts_at"]) == (200, "2027-01-20T14:00:00-06:00")
    booked = pending_events(context, APPOINTMENTS, "scheduling.appointment.booked")
    assert [event["payload"]["starts_at"][:16] for event in booked] == ["2027-01-18T16:00", "2027-01-20T20:00"]


def test_rescheduling_a_follow_up_past_the_seven_days_marks_it_late(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    moved = post(scheduling, appointment, "reschedule", {"starts_at": "2027-01-25T10:00:00-06:00"})
    assert moved.json["late"] is True


def test_rescheduling_into_the_past_is_refused_on_the_field(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    answer = post(scheduling, appointment, "reschedule", {"starts_at": "2020-01-01T10:00:00+00:00"})
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["starts_at"])


def test_a_cancelled_appointment_cannot_be_rescheduled(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    post(scheduling, appointment, "cancel", {"reason": "patient_request"})
    answer = post(scheduling, appointment, "reschedule", {"starts_at": "2027-01-20T14:00:00-06:00"})
    assert answer.status_code == 409


def test_cancelling_emits_appointment_cancelled_once(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    post(scheduling, appointment, "cancel", {"reason": "patient_request"})
    again = post(scheduling, appointment, "cancel", {})
    assert again.json["status"] == "cancelled"
    assert len(pending_events(context, APPOINTMENTS, "scheduling.appointment.cancelled")) == 1


def test_marking_the_follow_up_attended_emits_appointment_attended(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    answer = post(scheduling, appointment, "attendance", {"status": "attended"})
    [attended] = pending_events(context, APPOINTMENTS, "scheduling.appointment.attended")
    assert answer.json["status"] == "attended"
    assert (attended["payload"]["appointment_id"], attended["payload"]["status"]) == (appointment["id"], "attended")


def test_a_cancelled_appointment_cannot_be_attended(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    post(scheduling, appointment, "cancel", {})
    assert post(scheduling, appointment, "attendance", {"status": "attended"}).status_code == 409


def test_appointments_are_filtered_by_dates_at_the_site(scheduling, context):
    booked_follow_up(scheduling, context)
    on_the_day = scheduling.get("/v1/appointments", query_string={"from": "2027-01-18", "to": "2027-01-18"},
                                headers=CLINICIAN).json
    the_day_after = scheduling.get("/v1/appointments", query_string={"from": "2027-01-19"}, headers=CLINICIAN).json
    assert (len(on_the_day), len(the_day_after)) == (1, 0)


def test_a_cancellation_reason_outside_the_codes_is_a_422_on_the_field(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    answer = post(scheduling, appointment, "cancel", {"reason": "she moved to Duluth"})
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["reason"])
    assert pending_events(context, APPOINTMENTS, "scheduling.appointment.cancelled") == []


def test_a_cancellation_note_stays_in_the_history_and_out_of_the_event(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    note = "Moved to Duluth; will call the clinic there."
    answer = post(scheduling, appointment, "cancel", {"reason": "other", "note": note})
    [cancelled] = pending_events(context, APPOINTMENTS, "scheduling.appointment.cancelled")
    assert (answer.status_code, answer.json["history"][-1]["note"]) == (200, note)
    assert (cancelled["payload"]["reason"], note in str(cancelled)) == ("other", False)


def test_the_openapi_document_enumerates_the_cancellation_reasons(scheduling):
    cancellation = scheduling.get("/openapi.json").json["components"]["schemas"]["Cancellation"]["properties"]
    assert cancellation["reason"]["enum"] == ["patient_request", "provider_unavailable", "rescheduled", "discharged",
                                              "other"]
    assert "never sent in an event" in cancellation["note"]["description"]


# Fuzzing (issue 14): what the spec says and what is answered agree.

def test_rescheduling_an_unknown_appointment_is_404_whatever_the_instant(scheduling):
    answer = scheduling.post("/v1/appointments/no-such-appointment/reschedule",
                             json={"starts_at": "2020-01-01T10:00:00+00:00"}, headers=CLINICIAN)
    assert answer.status_code == 404


def test_a_cancellation_without_a_body_cancels_as_its_spec_says(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    answer = scheduling.post(f"/v1/appointments/{appointment['id']}/cancel", headers=CLINICIAN)
    assert (answer.status_code, answer.json["status"]) == (200, "cancelled")
    operation = scheduling.get("/openapi.json").json["paths"]["/v1/appointments/{appointment_id}/cancel"]["post"]
    assert operation["requestBody"]["required"] is False
