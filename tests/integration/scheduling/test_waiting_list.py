"""A full group queues newcomers and seats them in order when a seat frees."""
import uuid
from collections import Counter
from datetime import date

from services.scheduling.store import SCHEDULES
from services.scheduling.use_cases.groups import release_group_places
from shared.cause import Cause
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import admission, create_group, deliver, discharge, sessions_of


def kinds(scheduling, admitted) -> Counter:
    return Counter(s["kind"] for s in sessions_of(scheduling, admitted["payload"]["enrollment_id"])
                   if s["status"] == "scheduled")


def roster(scheduling, group_id) -> dict:
    return scheduling.get(f"/v1/groups/{group_id}/roster", headers=CLINICIAN).json


def enrollment_ids(entries) -> list[str]:
    return [entry["enrollment_id"] for entry in entries]


def test_a_patient_admitted_to_a_full_group_goes_on_its_waiting_list_without_group_sessions(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    first, second = admission(group_id), admission(group_id)
    deliver(context, first)
    deliver(context, second)
    assert enrollment_ids(roster(scheduling, group_id)["waiting_list"]) == [second["payload"]["enrollment_id"]]
    assert "group" not in kinds(scheduling, second)


def test_the_schedule_created_event_says_the_patient_waits(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    deliver(context, admission(group_id))
    deliver(context, admission(group_id))
    assert [e["payload"]["waitlisted"] for e in pending_events(context, SCHEDULES, "scheduling.schedule.created")] \
        == [False, True]


def test_a_discharge_seats_the_longest_waiting_patient_with_group_sessions(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    seated, waiting_first, waiting_second = admission(group_id), admission(group_id), admission(group_id)
    for admitted in (seated, waiting_first, waiting_second):
        deliver(context, admitted)
    deliver(context, discharge(seated, date(2026, 12, 15), outcome="against_advice"))
    after = roster(scheduling, group_id)
    assert enrollment_ids(after["enrolled"]) == [waiting_first["payload"]["enrollment_id"]]
    assert enrollment_ids(after["waiting_list"]) == [waiting_second["payload"]["enrollment_id"]]
    assert kinds(scheduling, waiting_first)["group"] == 24


def test_a_larger_capacity_seats_the_waiting_patient(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    deliver(context, admission(group_id))
    waiting = admission(group_id)
    deliver(context, waiting)
    answer = scheduling.patch(f"/v1/groups/{group_id}", json={"capacity": 2}, headers=CLINICIAN)
    assert (answer.json["enrolled_count"], answer.json["waiting_count"]) == (2, 0)
    assert kinds(scheduling, waiting)["group"] == 24


def test_a_capacity_below_the_seats_taken_is_refused(scheduling, context):
    group_id = create_group(scheduling, capacity=2)["id"]
    deliver(context, admission(group_id))
    deliver(context, admission(group_id))
    answer = scheduling.patch(f"/v1/groups/{group_id}", json={"capacity": 1}, headers=CLINICIAN)
    assert answer.status_code == 422
    assert "capacity" in answer.json["errors"]


def test_the_session_roster_lists_who_is_booked_into_a_meeting(scheduling, context):
    group_id = create_group(scheduling)["id"]
    first, second = admission(group_id), admission(group_id)
    deliver(context, first)
    deliver(context, second)
    meeting = scheduling.get(f"/v1/groups/{group_id}/sessions/2026-12-09/roster", headers=CLINICIAN).json
    assert meeting["starts_at"] == "2026-12-09T09:00:00-06:00"
    assert sorted(enrollment_ids(meeting["attendees"])) == sorted(
        [first["payload"]["enrollment_id"], second["payload"]["enrollment_id"]])


def test_releasing_an_enrollment_takes_it_off_the_seat_or_the_waiting_list_it_holds(scheduling, context):
    """Asked without the schedule's group (``also_group_id``): the groups holding the enrollment are
    found by one query over seats and waiting lists, on the stand-in as on MongoDB."""
    seat_group, queue_group = create_group(scheduling, capacity=1)["id"], create_group(scheduling, capacity=1)["id"]
    seated, waiting, other = admission(seat_group), admission(queue_group), admission(queue_group)
    for admitted in (seated, other, waiting):
        deliver(context, admitted)
    site, cause = context.site("mpls"), Cause("mpls", str(uuid.uuid4()), actor="staff:test")
    for admitted in (seated, waiting):
        release_group_places(context.store, cause, site, admitted["payload"]["enrollment_id"])
    assert roster(scheduling, seat_group)["enrolled"] == []
    after = roster(scheduling, queue_group)
    assert (enrollment_ids(after["enrolled"]), after["waiting_list"]) == ([other["payload"]["enrollment_id"]], [])
