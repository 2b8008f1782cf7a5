"""Appointments over HTTP: booked by staff, the follow-up booked at completion, rescheduled, cancelled and
attended; and a discharge by death cancelling them."""
from datetime import date

from services.scheduling.store import APPOINTMENTS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.scheduling.conftest import admission, deliver, discharge, intake_event


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


# Issue 12.5: staff book appointments.

def book(scheduling, headers=CLINICIAN, **fields):
    body = {"kind": "individual_therapy", "starts_at": "2027-01-20T14:00:00-06:00", "duration_minutes": 50, **fields}
    return scheduling.post("/v1/appointments", json=body, headers=headers)


def admitted_patient(context) -> dict:
    admitted = admission(None)
    deliver(context, admitted)
    return admitted["payload"]


def test_staff_book_an_appointment_for_a_patient_of_the_site(scheduling, context):
    patient = admitted_patient(context)
    answer = book(scheduling, patient_id=patient["patient_id"])
    [booked] = pending_events(context, APPOINTMENTS, "scheduling.appointment.booked")
    assert answer.status_code == 201
    assert (answer.json["kind"], answer.json["starts_at"], answer.json["ends_at"], answer.json["booked_by_staff"]) == (
        "individual_therapy", "2027-01-20T14:00:00-06:00", "2027-01-20T14:50:00-06:00", True)
    assert (booked["payload"]["appointment_id"], booked["payload"]["kind"]) == (answer.json["id"], "individual_therapy")


def test_a_patient_registered_by_intake_may_be_booked_before_any_admission(scheduling, context):
    deliver(context, intake_event("intake.patient.registered", {"patient_id": "p-just-registered"}))
    assert book(scheduling, patient_id="p-just-registered", kind="intake_evaluation").status_code == 201


def test_another_sites_patient_is_a_422_on_patient_id(scheduling, context):
    patient = admitted_patient(context)
    answer = book(scheduling, headers=OTHER_SITE, patient_id=patient["patient_id"])
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["patient_id"])


def test_a_kind_outside_the_enumeration_or_a_past_instant_is_refused_on_the_field(scheduling, context):
    patient = admitted_patient(context)
    wrong_kind = book(scheduling, patient_id=patient["patient_id"], kind="massage")
    past = book(scheduling, patient_id=patient["patient_id"], starts_at="2020-01-01T10:00:00+00:00")
    assert [(answer.status_code, list(answer.json["errors"])) for answer in (wrong_kind, past)] == [
        (422, ["kind"]), (422, ["starts_at"])]
    assert pending_events(context, APPOINTMENTS) == []


def test_a_staff_follow_up_for_a_discharge_without_one_counts_as_its_follow_up(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, discharge(admitted, date(2027, 1, 15), outcome="against_advice"))
    patient = admitted["payload"]
    answer = book(scheduling, patient_id=patient["patient_id"], enrollment_id=patient["enrollment_id"],
                  kind="aftercare_follow_up")
    again = book(scheduling, patient_id=patient["patient_id"], enrollment_id=patient["enrollment_id"],
                 kind="aftercare_follow_up", starts_at="2027-01-21T10:00:00-06:00")
    assert (answer.status_code, answer.json["discharge_date"], answer.json["late"], again.status_code) == (
        201, "2027-01-15", False, 409)
    listed = scheduling.get("/v1/appointments", query_string={"enrollment_id": patient["enrollment_id"],
                                                               "kind": "aftercare_follow_up"}, headers=CLINICIAN)
    assert [appointment["id"] for appointment in listed.json] == [answer.json["id"]]


def test_a_staff_follow_up_after_the_automatic_one_is_a_409(scheduling, context):
    appointment = booked_follow_up(scheduling, context)
    answer = book(scheduling, patient_id=appointment["patient_id"], enrollment_id=appointment["enrollment_id"],
                  kind="aftercare_follow_up")
    assert answer.status_code == 409


def test_the_openapi_document_enumerates_the_kinds_staff_may_book(scheduling):
    spec = scheduling.get("/openapi.json").json
    kinds = spec["components"]["schemas"]["AppointmentCreate"]["properties"]["kind"]["enum"]
    assert kinds == ["aftercare_follow_up", "individual_therapy", "medication_check_in", "intake_evaluation", "other"]
    assert "201" in spec["paths"]["/v1/appointments"]["post"]["responses"]


# Issue 10.5: a discharge with outcome death.

def test_a_death_cancels_the_patients_future_appointments_and_books_nothing_more(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    patient = admitted["payload"]
    booked = book(scheduling, patient_id=patient["patient_id"]).json
    deliver(context, discharge(admitted, date(2026, 11, 25), outcome="death"))
    [cancelled] = pending_events(context, APPOINTMENTS, "scheduling.appointment.cancelled")
    assert scheduling.get(f"/v1/appointments/{booked['id']}", headers=CLINICIAN).json["status"] == "cancelled"
    assert cancelled["payload"]["reason"] == "discharged"
    assert book(scheduling, patient_id=patient["patient_id"]).status_code == 409
    assert scheduling.get("/v1/appointments", query_string={"kind": "aftercare_follow_up"}, headers=CLINICIAN).json == []
