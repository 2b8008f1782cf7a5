"""Scheduling's handlers called directly, as the consumer calls them: every redelivery changes nothing."""
from datetime import date, timedelta

import pytest

from services.scheduling.store import APPOINTMENTS, GROUPS, SCHEDULES
from services.scheduling.use_cases.schedules import ScheduleNotReady
from tests.conftest import pending_events
from tests.integration.scheduling.conftest import (
    EIGHT_WEEKS_LATER,
    admission,
    create_group,
    deliver,
    discharge,
    length_change,
)


def stored_schedule(context, admitted) -> dict:
    return context.db[SCHEDULES].find_one({"enrollment_id": admitted["payload"]["enrollment_id"]})


def without_bookkeeping(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in ("version", "outbox", "outbox_pending")}


def test_a_redelivered_length_change_leaves_the_schedule_as_it_was(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    change = length_change(admitted, EIGHT_WEEKS_LATER + timedelta(weeks=2))
    deliver(context, change)
    once = stored_schedule(context, admitted)
    deliver(context, change)
    assert without_bookkeeping(stored_schedule(context, admitted)) == without_bookkeeping(once)


def test_a_length_change_before_its_admission_is_retried(context):
    admitted = admission(None)
    with pytest.raises(ScheduleNotReady):
        deliver(context, length_change(admitted, EIGHT_WEEKS_LATER + timedelta(weeks=2)))


def test_a_redelivered_discharge_seats_only_one_waiting_patient(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    seated, first_waiting, second_waiting = admission(group_id), admission(group_id), admission(group_id)
    for admitted in (seated, first_waiting, second_waiting):
        deliver(context, admitted)
    leaving = discharge(seated, date(2026, 12, 15), outcome="other")
    deliver(context, leaving)
    deliver(context, leaving)
    group = context.db[GROUPS].find_one({"_id": group_id})
    assert [entry["enrollment_id"] for entry in group["members"]] == [first_waiting["payload"]["enrollment_id"]]
    assert len(pending_events(context, SCHEDULES, "scheduling.sessions.cancelled")) == 1


def test_a_redelivered_admission_takes_no_second_place_in_the_group(scheduling, context):
    group_id = create_group(scheduling, capacity=1)["id"]
    admitted = admission(group_id)
    deliver(context, admitted)
    deliver(context, admitted)
    group = context.db[GROUPS].find_one({"_id": group_id})
    assert (len(group["members"]), len(group["waiting_list"])) == (1, 0)


def test_a_completion_redelivered_after_the_follow_up_was_attended_books_nothing(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    completion = discharge(admitted, date(2027, 1, 15))
    deliver(context, completion)
    context.db[APPOINTMENTS].update_many({}, {"$set": {"status": "attended"}})
    deliver(context, completion)
    assert context.db[APPOINTMENTS].count_documents({}) == 1
    assert len(pending_events(context, APPOINTMENTS, "scheduling.appointment.booked")) == 1


def test_schedule_events_carry_ids_and_codes_only(scheduling, context):
    admitted = admission(create_group(scheduling, name="Rivera family group")["id"])
    deliver(context, admitted)
    deliver(context, discharge(admitted, date(2027, 1, 15)))
    for event in pending_events(context, SCHEDULES) + pending_events(context, APPOINTMENTS):
        assert "Rivera" not in str(event["payload"])
