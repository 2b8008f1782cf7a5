"""Regression (issue 14): a document changed after its creation reads back with its instants,
dates and booleans as such, on the database these tests run on (the embedded stand-in unless a
MongoDB is given). Before every write went through ``Documents.modify``, a ``$set`` datetime read
back from the stand-in as a naive string: the next follow-up booking at the site raised
TypeError and was dead-lettered, and the changed appointment or group answered 500."""
from datetime import date

from services.scheduling.handlers import HANDLERS
from tests.conftest import CLINICIAN
from tests.integration.scheduling.conftest import admission, create_group, deliver, discharge

FRIDAY = date(2027, 1, 15)


def completed(context) -> dict:
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, discharge(admitted, FRIDAY))
    return admitted["payload"]


def follow_up_of(scheduling, enrollment_id: str) -> list[dict]:
    answer = scheduling.get("/v1/appointments", query_string={"enrollment_id": enrollment_id}, headers=CLINICIAN)
    assert answer.status_code == 200, answer.json
    return answer.json


def rescheduled_follow_up(scheduling, context) -> dict:
    [appointment] = follow_up_of(scheduling, completed(context)["enrollment_id"])
    moved = scheduling.post(f"/v1/appointments/{appointment['id']}/reschedule",
                            json={"starts_at": "2027-01-19T11:00:00-06:00"}, headers=CLINICIAN)
    assert moved.status_code == 200, moved.json
    return moved.json


def test_after_a_reschedule_the_next_completion_at_the_site_still_gets_its_follow_up(scheduling, context):
    rescheduled_follow_up(scheduling, context)
    second = completed(context)
    [follow_up] = follow_up_of(scheduling, second["enrollment_id"])
    assert (follow_up["status"], follow_up["starts_at"]) == ("booked", "2027-01-18T10:00:00-06:00")


def test_a_rescheduled_follow_ups_new_time_counts_as_taken_for_the_next_bookings(scheduling, context):
    [first] = follow_up_of(scheduling, completed(context)["enrollment_id"])
    scheduling.post(f"/v1/appointments/{first['id']}/reschedule", json={"starts_at": "2027-01-18T09:00:00-06:00"},
                    headers=CLINICIAN)
    second, third = completed(context), completed(context)
    starts = [follow_up_of(scheduling, payload["enrollment_id"])[0]["starts_at"] for payload in (second, third)]
    # 10:00 goes to the second; the third skips 09:00, the rescheduled follow-up's, for 11:00.
    assert starts == ["2027-01-18T10:00:00-06:00", "2027-01-18T11:00:00-06:00"]


def test_a_rescheduled_appointment_answers_on_read_and_list(scheduling, context):
    moved = rescheduled_follow_up(scheduling, context)
    read = scheduling.get(f"/v1/appointments/{moved['id']}", headers=CLINICIAN)
    listed = follow_up_of(scheduling, moved["enrollment_id"])
    assert (read.status_code, read.json["starts_at"], read.json["late"]) == (200, "2027-01-19T11:00:00-06:00", False)
    assert [appointment["starts_at"] for appointment in listed] == ["2027-01-19T11:00:00-06:00"]


def test_a_rescheduled_appointment_can_be_rescheduled_again_and_then_attended(scheduling, context):
    moved = rescheduled_follow_up(scheduling, context)
    again = scheduling.post(f"/v1/appointments/{moved['id']}/reschedule",
                            json={"starts_at": "2027-01-20T11:00:00-06:00"}, headers=CLINICIAN)
    attended = scheduling.post(f"/v1/appointments/{moved['id']}/attendance", json={"status": "attended"},
                               headers=CLINICIAN)
    assert (again.status_code, attended.status_code, attended.json["status"]) == (200, 200, "attended")


def test_a_rescheduled_appointment_can_be_cancelled(scheduling, context):
    moved = rescheduled_follow_up(scheduling, context)
    cancelled = scheduling.post(f"/v1/appointments/{moved['id']}/cancel", json={"reason": "patient_request"},
                                headers=CLINICIAN)
    assert (cancelled.status_code, cancelled.json["status"]) == (200, "cancelled")


def test_the_calendar_feed_of_a_patient_with_a_rescheduled_appointment_answers(scheduling, context):
    moved = rescheduled_follow_up(scheduling, context)
    feed = scheduling.get(f"/v1/patients/{moved['patient_id']}/calendar.ics", headers=CLINICIAN)
    assert (feed.status_code, feed.mimetype) == (200, "text/calendar")
    assert b"DTSTART:20270119T170000Z" in feed.data


def test_the_completion_handler_reads_stored_starts_as_instants_after_a_reschedule(scheduling, context):
    """The handler itself, as the consumer calls it: no TypeError, so nothing is dead-lettered."""
    rescheduled_follow_up(scheduling, context)
    admitted = admission(None)
    deliver(context, admitted)
    HANDLERS["intake.enrollment.completed"](_loaded(discharge(admitted, FRIDAY)), context)
    assert len(follow_up_of(scheduling, admitted["payload"]["enrollment_id"])) == 1


def _loaded(envelope: dict):
    from shared.events import load_event

    return load_event(envelope)


def test_after_a_group_edit_the_sites_groups_are_listed_with_their_types(scheduling):
    group = create_group(scheduling)
    edited = scheduling.patch(f"/v1/groups/{group['id']}", json={"name": "Afternoon skills"}, headers=CLINICIAN)
    listed = scheduling.get("/v1/groups", headers=CLINICIAN)
    assert (edited.status_code, listed.status_code) == (200, 200)
    [entry] = listed.json
    assert (entry["name"], entry["archived"], entry["archived_at"]) == ("Afternoon skills", False, None)
    assert entry["updated_at"].endswith("-06:00") and entry["created_at"] == group["created_at"]


def test_after_archiving_a_group_it_is_read_and_listed_with_its_types(scheduling):
    group = create_group(scheduling)
    scheduling.post(f"/v1/groups/{group['id']}/archive", headers=CLINICIAN)
    read = scheduling.get(f"/v1/groups/{group['id']}", headers=CLINICIAN)
    [listed] = scheduling.get("/v1/groups", query_string={"archived": "true"}, headers=CLINICIAN).json
    assert (read.status_code, read.json["archived"], listed["archived"]) == (200, True, True)
    assert read.json["archived_at"].endswith("-06:00")
